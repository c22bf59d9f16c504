import QtQuick
import QtTest
import LatentStudio

TestCase {
    id: testCase
    name: "CanvasZoom"
    width: 400
    height: 300
    when: windowShown
    visible: true

    Rectangle { id: source; width: 64; height: 32; color: "red" }
    ImageCanvas { id: canvas; width: 400; height: 300 }
    // Two pixels, black and white, for the scaling test.
    Row {
        id: pair
        Rectangle { width: 1; height: 1; color: "black" }
        Rectangle { width: 1; height: 1; color: "white" }
    }
    ImageCanvas { id: pairCanvas; x: 0; y: 0; z: 1; width: 200; height: 100 }

    function initTestCase() {
        let done = false
        source.grabToImage(function(result) { canvas.image = result.image; done = true })
        tryVerify(function() { return done })
    }

    function test_fit_uses_the_smaller_scale() {
        canvas.fit()
        compare(canvas.zoom, 0)  // 0: fit to the view
        compare(canvas.fitZoom, Math.min(400 / 64, 300 / 32))
    }

    function test_actual_size_is_one() {
        canvas.actualSize()
        compare(canvas.zoom, 1)
        compare(canvas.panX, 0)
    }

    function test_zoom_at_a_point_keeps_that_point_in_place() {
        canvas.actualSize()
        // The image point under (300, 150) is (300 - 200) / 1 = 100 px right of the centre.
        canvas.zoomAt(2, 300, 150)
        compare(canvas.zoom, 2)
        // After zooming, that point is 200 px right of the image centre, so the image centre
        // must move 100 px left for it to stay under the cursor.
        compare(canvas.panX, -100)
        compare(canvas.panY, 0)
    }

    function test_zoom_is_bounded() {
        canvas.actualSize()
        for (let i = 0; i < 100; ++i) canvas.zoomAt(2, 200, 150)
        compare(canvas.zoom, 64)
    }

    // At Fit the two pixels are scaled smoothly (a grey ramp between them); zoomed in by the
    // user, the same magnification shows two sharp squares.
    function test_fit_is_smooth_and_zoomed_in_is_sharp() {
        let done = false
        pair.grabToImage(function(result) { pairCanvas.image = result.image; done = true })
        tryVerify(function() { return done })
        pairCanvas.fit()
        compare(pairCanvas.fitZoom, 100)
        wait(50)
        let shot = grabImage(pairCanvas)
        // 90 px from the left is 0.9 source pixels: 40 % of the way from black to white.
        verify(shot.red(90, 50) > 60 && shot.red(90, 50) < 150, "smooth at Fit: " + shot.red(90, 50))
        pairCanvas.zoom = 100
        wait(50)
        shot = grabImage(pairCanvas)
        compare(shot.red(90, 50), 0)
        compare(shot.red(110, 50), 255)
    }
}
