import QtQuick
import QtQuick.Controls
import LatentStudio

// The canvas with its interactions: wheel zoom at the cursor, pan with the middle button or
// space + drag, hold "\" for the original, and the split view's draggable divider.
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
    focus: true
    clip: true

    function fit() { canvas.fit() }
    function actualSize() { canvas.actualSize() }

    Rectangle { anchors.fill: parent; color: palette.base }

    ImageCanvas {
        id: canvas
        objectName: "imageCanvas"
        anchors.fill: parent
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
