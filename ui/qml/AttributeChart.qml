import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The attribute classifier's scores of the current image next to the original's (without
// edits): one row per attribute, a bar from the centre (0) towards -1 or +1, the original as a
// thin mark, and the change written out. Rows that changed by `changeThreshold` or more stand
// out, so an edit's side effects show beside its intended change.
Item {
    id: root
    property var names: []
    property var values: []     // the current image's scores, about -1..1
    property var reference: []  // the original's
    property real changeThreshold: 0.1
    property color color: "#3d7fd9"
    property color changedColor: "#d9603d"
    property color textColor: palette.windowText
    readonly property real labelWidth: 124
    readonly property real deltaWidth: 46
    readonly property real barArea: Math.max(1, width - labelWidth - deltaWidth)
    readonly property real rowHeight: 20
    implicitHeight: names.length * rowHeight

    // The x of a score in the bar area: -1 at its left edge, +1 at its right (clamped).
    function xFor(v) { return labelWidth + (Math.max(-1, Math.min(1, v)) + 1) / 2 * barArea }
    function delta(i) { return i < values.length && i < reference.length ? values[i] - reference[i] : 0 }
    function changed(i) { return Math.abs(delta(i)) >= changeThreshold }

    Rectangle {  // the zero line
        x: root.xFor(0); width: 1
        height: root.names.length * root.rowHeight
        color: Qt.rgba(0.5, 0.5, 0.5, 0.6)
    }
    Repeater {
        objectName: "rows"
        model: root.names.length
        Item {
            id: row
            required property int index
            readonly property real value: index < root.values.length ? root.values[index] : 0
            readonly property bool hasValue: index < root.values.length
            readonly property bool hasReference: index < root.reference.length
            y: index * root.rowHeight
            width: root.width
            height: root.rowHeight
            Text {
                width: root.labelWidth - 6
                anchors.verticalCenter: parent.verticalCenter
                elide: Text.ElideRight
                text: root.names[row.index]
                color: root.textColor
                font.bold: root.changed(row.index)
            }
            Rectangle {
                objectName: "bar"
                visible: row.hasValue
                x: Math.min(root.xFor(0), root.xFor(row.value))
                width: Math.abs(root.xFor(row.value) - root.xFor(0))
                height: root.rowHeight * 0.55
                anchors.verticalCenter: parent.verticalCenter
                radius: 2
                color: root.changed(row.index) ? root.changedColor : root.color
            }
            Rectangle {  // the original's score
                objectName: "referenceMark"
                visible: row.hasReference
                x: root.xFor(row.hasReference ? root.reference[row.index] : 0) - 1
                width: 3
                height: root.rowHeight - 2
                anchors.verticalCenter: parent.verticalCenter
                color: root.textColor
                opacity: 0.8
            }
            Text {
                x: root.labelWidth + root.barArea + 4
                anchors.verticalCenter: parent.verticalCenter
                visible: row.hasValue && row.hasReference
                text: (root.delta(row.index) >= 0 ? "+" : "") + root.delta(row.index).toFixed(2)
                color: root.changed(row.index) ? root.changedColor : root.textColor
                font.family: "monospace"
                font.pixelSize: 11
            }
        }
    }
}
