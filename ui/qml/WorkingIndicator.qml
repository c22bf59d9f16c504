import QtQuick
import QtQuick.Controls

// "Still working", drawn a few times a second. Why not BusyIndicator: its 60 frames a second
// redraw the window continuously, which on a machine without a GPU (software OpenGL) takes the
// CPU cores the renders need; ten strips' spinners made a strip several times slower.
Label {
    id: root
    property bool running: false
    property int phase: 0
    visible: running
    opacity: 0.7
    text: ["\u25d0", "\u25d3", "\u25d1", "\u25d2"][phase]
    horizontalAlignment: Text.AlignHCenter
    verticalAlignment: Text.AlignVCenter
    Timer {
        interval: 400
        repeat: true
        running: root.running && root.visible
        onTriggered: root.phase = (root.phase + 1) % 4
    }
}
