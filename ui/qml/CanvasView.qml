import QtQuick
import QtQuick.Controls
import LatentStudio

// The canvas with its interactions: wheel zoom at the cursor, pan with the middle button or
// space + drag, hold "\" for the original, and the split view's draggable divider. For a
// photo: the crop box (drag inside to move it, a corner to resize it) and the brush and
// eraser that paint the inpainting mask (a finished stroke is reported by maskPainted).
Item {
    id: root
    property alias image: canvas.image
    property alias original: canvas.original
    property alias zoom: canvas.zoom
    property alias splitView: canvas.splitView
    property alias splitPosition: canvas.splitPosition
    property alias showOriginal: canvas.showOriginal
    readonly property alias canvas: canvas
    property bool spaceHeld: false
    // The crop box's corners in image pixels; an empty list: no box.
    property alias overlayQuad: canvas.overlayQuad
    property alias mask: canvas.mask
    property alias maskVisible: canvas.maskVisible
    property alias maskSize: canvas.maskSize
    property alias tool: canvas.tool
    property alias brushSize: canvas.brushSize
    property alias brushHardness: canvas.brushHardness
    property alias brushOpacity: canvas.brushOpacity
    readonly property bool cropMode: canvas.overlayQuad.length === 4
    signal maskPainted(var mask, string tool)
    signal cropMoved(real dx, real dy)           // in image pixels
    signal cropCornerDragged(real x, real y)     // the corner's new place, in image pixels
    focus: true
    clip: true

    function fit() { canvas.fit() }
    function actualSize() { canvas.actualSize() }
    // [ and ]: the brush a quarter smaller or larger.
    function shrinkBrush() { canvas.brushSize = Math.max(1, canvas.brushSize / 1.25) }
    function growBrush() { canvas.brushSize = canvas.brushSize * 1.25 }

    function cornerAt(x, y) {
        for (let i = 0; i < 4; ++i) {
            const q = canvas.overlayQuad[i]
            const p = canvas.fromImage(q.x, q.y)
            if (Math.hypot(p.x - x, p.y - y) <= 12) return i
        }
        return -1
    }
    // Inside a convex quad: on the same side of its four edges.
    function insideQuad(p) {
        let sign = 0
        for (let i = 0; i < 4; ++i) {
            const a = canvas.overlayQuad[i], b = canvas.overlayQuad[(i + 1) % 4]
            const cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
            if (cross !== 0) {
                if (sign !== 0 && Math.sign(cross) !== sign) return false
                sign = Math.sign(cross)
            }
        }
        return true
    }

    Rectangle { anchors.fill: parent; color: palette.base }

    ImageCanvas {
        id: canvas
        objectName: "imageCanvas"
        anchors.fill: parent
    }

    MouseArea {
        id: toolArea
        objectName: "toolArea"
        anchors.fill: parent
        enabled: !root.spaceHeld && (root.cropMode || canvas.tool !== "")
        acceptedButtons: Qt.LeftButton
        hoverEnabled: true
        cursorShape: root.cropMode ? Qt.SizeAllCursor : Qt.CrossCursor
        property int dragKind: 0  // 1: moving the box, 2: resizing it
        property point lastImage
        onPressed: function(mouse) {
            if (!root.cropMode) { canvas.beginStroke(mouse.x, mouse.y); return }
            lastImage = canvas.toImage(mouse.x, mouse.y)
            dragKind = root.cornerAt(mouse.x, mouse.y) >= 0 ? 2 : (root.insideQuad(lastImage) ? 1 : 0)
        }
        onPositionChanged: function(mouse) {
            if (!pressed) return
            if (!root.cropMode) { canvas.strokeTo(mouse.x, mouse.y); return }
            const p = canvas.toImage(mouse.x, mouse.y)
            if (dragKind === 1) root.cropMoved(p.x - lastImage.x, p.y - lastImage.y)
            else if (dragKind === 2) root.cropCornerDragged(p.x, p.y)
            lastImage = p
        }
        onReleased: { if (!root.cropMode) canvas.endStroke(); dragKind = 0 }
        onWheel: function(wheel) { canvas.zoomAt(wheel.angleDelta.y > 0 ? 1.25 : 0.8, wheel.x, wheel.y) }
    }
    Connections {
        target: canvas
        function onMaskPainted(mask, tool) { root.maskPainted(mask, tool) }
    }
    // The brush's outline under the cursor.
    Rectangle {
        visible: toolArea.enabled && !root.cropMode && toolArea.containsMouse
        readonly property real pxScale: (canvas.zoom > 0 ? canvas.zoom : canvas.fitZoom) * canvas.maskScale
        width: canvas.brushSize * pxScale
        height: width
        radius: width / 2
        x: toolArea.mouseX - width / 2
        y: toolArea.mouseY - height / 2
        color: "transparent"
        border.color: canvas.tool === "eraser" ? "white" : "#ff5050"
        border.width: 1.5
    }

    WheelHandler {
        acceptedDevices: PointerDevice.Mouse | PointerDevice.TouchPad
        onWheel: function(event) {
            canvas.zoomAt(event.angleDelta.y > 0 ? 1.25 : 0.8, point.position.x, point.position.y)
        }
    }
    DragHandler {
        id: panDrag
        target: null
        acceptedButtons: Qt.MiddleButton | (root.spaceHeld ? Qt.LeftButton : Qt.NoButton)
        property real startX: 0
        property real startY: 0
        onActiveChanged: if (active) { startX = canvas.panX; startY = canvas.panY }
        onTranslationChanged: {
            canvas.panX = startX + translation.x
            canvas.panY = startY + translation.y
        }
    }
    // The split view's divider.
    Rectangle {
        visible: canvas.splitView
        width: 12; height: 40; radius: 4
        color: "white"; opacity: 0.8
        x: root.width * canvas.splitPosition - width / 2
        y: root.height / 2 - height / 2
        DragHandler {
            target: null
            xAxis.enabled: true; yAxis.enabled: false
            onCentroidChanged: if (active) canvas.splitPosition = Math.max(0, Math.min(1, parent.mapToItem(root, centroid.position.x, 0).x / root.width))
        }
    }

    Keys.onPressed: function(event) {
        if (event.isAutoRepeat) return
        if (event.key === Qt.Key_Backslash) { canvas.showOriginal = true; event.accepted = true }
        if (event.key === Qt.Key_Space) { root.spaceHeld = true; event.accepted = true }
    }
    Keys.onReleased: function(event) {
        if (event.isAutoRepeat) return
        if (event.key === Qt.Key_Backslash) { canvas.showOriginal = false; event.accepted = true }
        if (event.key === Qt.Key_Space) { root.spaceHeld = false; event.accepted = true }
    }
}
