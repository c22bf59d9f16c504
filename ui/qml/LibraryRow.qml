import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One direction of the library: add it to the edits, rename it in place (double-click the
// name or the pencil; Enter keeps, Escape cancels), export it as .npy, delete it. The model's own
// directions (its manifest's) are read-only.
Frame {
    id: root
    property string name: ""
    property string detail: ""
    property string description: ""
    property bool readOnly: false
    property bool editing: false
    signal addRequested()
    signal renameRequested(string name)
    signal exportRequested()
    signal deleteRequested()

    function startRename() {
        if (readOnly) return
        editing = true
        nameEdit.text = name
        nameEdit.forceActiveFocus()
        nameEdit.selectAll()
    }
    function finishRename() {
        if (!editing) return
        editing = false
        const n = nameEdit.text.trim()
        if (n !== "" && n !== name) renameRequested(n)
    }

    padding: 6
    ColumnLayout {
        anchors.fill: parent
        spacing: 2
        RowLayout {
            Layout.fillWidth: true
            Label {
                objectName: "nameLabel"
                visible: !root.editing
                text: root.name
                font.bold: true
                elide: Text.ElideRight
                Layout.fillWidth: true
                MouseArea { anchors.fill: parent; onDoubleClicked: root.startRename() }
            }
            TextField {
                id: nameEdit
                objectName: "nameEdit"
                visible: root.editing
                Layout.fillWidth: true
                onAccepted: root.finishRename()
                Keys.onEscapePressed: root.editing = false
                onActiveFocusChanged: if (!activeFocus) root.finishRename()
            }
            Label { visible: root.readOnly; text: qsTr("model"); opacity: 0.6; font.italic: true }
            ToolButton {
                objectName: "addButton"
                text: "+"
                onClicked: root.addRequested()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Add to the edits")
            }
            ToolButton {
                objectName: "renameButton"
                text: "\u270E"
                enabled: !root.readOnly
                onClicked: root.startRename()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Rename (or double-click the name)")
            }
            ToolButton {
                objectName: "exportButton"
                text: "\u21E9"
                onClicked: root.exportRequested()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Export as .npy")
            }
            ToolButton {
                objectName: "deleteButton"
                text: "\u2715"
                enabled: !root.readOnly
                onClicked: root.deleteRequested()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Delete from the library")
            }
        }
        Label { text: root.detail; opacity: 0.7; Layout.fillWidth: true; elide: Text.ElideRight }
        Label {
            visible: root.description !== ""
            text: root.description
            opacity: 0.7
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
    }
}
