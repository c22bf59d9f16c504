import QtQuick
import QtTest
import LatentStudio

// The inpainting brush and eraser on the canvas: a drag paints the mask under it, the edge is
// soft, opacity caps a stroke, the eraser clears, [ and ] resize, and no tool paints nothing.
TestCase {
    id: testCase
    name: "Brush"
    width: 256
    height: 256
    when: windowShown
    visible: true

    property var crop  // a 64 x 64 image: the canvas shows it at 4x
    Rectangle { id: source; width: 64; height: 64; color: "#808080" }
    Component { id: viewComponent; CanvasView { width: 256; height: 256 } }
    Component { id: spyComponent; SignalSpy { signalName: "maskPainted" } }

    function initTestCase() {
        let done = false
        source.grabToImage(function(result) { testCase.crop = result.image; done = true })
        tryVerify(function() { return done })
    }

    function makeView(tool) {
        const view = createTemporaryObject(viewComponent, testCase)
        view.image = crop
        view.tool = tool
        view.brushSize = 10
        view.brushHardness = 1
        view.brushOpacity = 1
        return view
    }

    function drag(view, x0, y0, x1, y1) {
        mousePress(view, x0, y0)
        for (let i = 1; i <= 8; ++i) mouseMove(view, x0 + (x1 - x0) * i / 8, y0 + (y1 - y0) * i / 8, -1, Qt.LeftButton)
        mouseRelease(view, x1, y1)
    }

    function test_a_drag_paints_along_its_path() {
        const view = makeView("brush")
        const spy = createTemporaryObject(spyComponent, testCase, { target: view })
        drag(view, 128, 128, 200, 128)  // image pixels (32, 32) to (50, 32)
        compare(spy.count, 1)
        compare(spy.signalArguments[0][1], "Brush")
        compare(view.canvas.maskValue(32, 32), 255)
        compare(view.canvas.maskValue(41, 32), 255)
        compare(view.canvas.maskValue(49, 32), 255)
        compare(view.canvas.maskValue(32, 40), 0)  // beyond the radius (5 px)
        compare(view.canvas.maskValue(5, 5), 0)
    }

    function test_the_edge_is_soft_and_opacity_caps_a_stroke() {
        const view = makeView("brush")
        view.brushHardness = 0
        view.brushOpacity = 0.5
        view.brushSize = 16
        // A stroke over the same place many times stays at the opacity.
        drag(view, 128, 128, 132, 128)
        const centre = view.canvas.maskValue(32, 32)
        verify(centre >= 120 && centre <= 128, "centre " + centre)
        const edge = view.canvas.maskValue(32 + 6, 32)
        verify(edge > 0 && edge < centre, "edge " + edge)
        compare(view.canvas.maskValue(32 + 9, 32), 0)
    }

    function test_the_eraser_clears_what_the_brush_painted() {
        const view = makeView("brush")
        drag(view, 100, 128, 160, 128)
        compare(view.canvas.maskValue(32, 32), 255)
        view.tool = "eraser"
        const spy = createTemporaryObject(spyComponent, testCase, { target: view })
        drag(view, 100, 128, 160, 128)
        compare(spy.count, 1)
        compare(spy.signalArguments[0][1], "Eraser")
        compare(view.canvas.maskValue(32, 32), 0)
    }

    function test_brackets_resize_the_brush() {
        const view = makeView("brush")
        view.growBrush()
        compare(view.brushSize, 12.5)
        view.shrinkBrush()
        view.shrinkBrush()
        compare(view.brushSize, 8)
    }

    function test_without_a_tool_nothing_is_painted() {
        const view = makeView("")
        const spy = createTemporaryObject(spyComponent, testCase, { target: view })
        drag(view, 100, 128, 160, 128)
        compare(spy.count, 0)
        compare(view.canvas.maskValue(32, 32), 0)
    }

    function test_the_crop_box_moves_and_resizes_by_dragging() {
        const view = makeView("")
        view.overlayQuad = [Qt.point(16, 16), Qt.point(16, 48), Qt.point(48, 48), Qt.point(48, 16)]
        const moved = createTemporaryObject(spyComponent, testCase, { target: view, signalName: "cropMoved" })
        const resized = createTemporaryObject(spyComponent, testCase, { target: view, signalName: "cropCornerDragged" })
        drag(view, 128, 128, 136, 128)  // inside: a move of 2 image pixels in all
        verify(moved.count > 0)
        let dx = 0
        for (let i = 0; i < moved.count; ++i) dx += moved.signalArguments[i][0]
        fuzzyCompare(dx, 2, 0.01)
        drag(view, 192, 192, 220, 220)  // the bottom-right corner
        verify(resized.count > 0)
        fuzzyCompare(resized.signalArguments[resized.count - 1][0], 55, 0.01)
    }
}
