import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LatentStudio

// The model's direction library: its manifest's directions (read-only) and the user's, kept
// in a folder per model. Add to the edits, rename, delete (asks first), export and import
// .npy; "Save edit…" names the selected edit row and keeps its layers and slider scale.
Pane {
    id: root
    property var editor
    property int selectedRow: -1
    padding: 0

    property string selectedName: ""
    function saveSelected() { if (selectedRow >= 0) saveDialog.open() }

    ColumnLayout {
        anchors.fill: parent
        spacing: 6
        RowLayout {
            Layout.fillWidth: true
            Button {
                objectName: "saveToLibraryButton"
                text: qsTr("Save Edit…")
                enabled: root.selectedRow >= 0
                onClicked: saveDialog.open()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Name the selected edit and keep it in the library (Ctrl+L)")
            }
            Button {
                objectName: "importButton"
                text: qsTr("Import .npy…")
                onClicked: importDialog.open()
            }
            Item { Layout.fillWidth: true }
        }
        Label {
            visible: libraryList.count === 0
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            opacity: 0.7
            text: qsTr("No directions kept for this model yet. Select an edit and save it, or "
                       + "import a .npy direction ([w_dim], [1, w_dim] or [layers, w_dim]).")
        }
        ListView {
            id: libraryList
            objectName: "libraryList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 4
            model: root.editor.library
            ScrollBar.vertical: ScrollBar {}
            delegate: LibraryRow {
                required property int index
                required property var model
                width: ListView.view.width - 12
                name: model.name
                detail: model.detail
                description: model.description
                readOnly: model.readOnly
                onAddRequested: root.editor.addFromLibrary(index)
                onRenameRequested: function(name) { root.editor.renameLibraryEntry(index, name) }
                onExportRequested: { exportDialog.index = index; exportDialog.open() }
                onDeleteRequested: { deleteDialog.index = index; deleteDialog.name = model.name; deleteDialog.open() }
            }
        }
        Label {
            Layout.fillWidth: true
            text: root.editor.libraryFolder
            elide: Text.ElideMiddle
            opacity: 0.5
            font.pointSize: 8
        }
    }

    Dialog {
        id: saveDialog
        objectName: "saveToLibraryDialog"
        title: qsTr("Save the edit to the library")
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        standardButtons: Dialog.Save | Dialog.Cancel
        onAboutToShow: {
            nameField.text = root.selectedName
            nameField.forceActiveFocus()
            nameField.selectAll()
        }
        ColumnLayout {
            Label { text: qsTr("Name (its layers and slider range are kept):") }
            TextField { id: nameField; objectName: "libraryName"; Layout.preferredWidth: 280; onAccepted: saveDialog.accept() }
        }
        onAccepted: root.editor.saveToLibrary(root.selectedRow, nameField.text)
    }
    Dialog {
        id: deleteDialog
        objectName: "deleteDirectionDialog"
        property int index: -1
        property string name: ""
        title: qsTr("Delete \"%1\"?").arg(name)
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        standardButtons: Dialog.Yes | Dialog.No
        Label { text: qsTr("The direction is removed from this model's library for good.") }
        onAccepted: root.editor.removeLibraryEntry(index)
    }
    FileChooser {
        id: exportDialog
        objectName: "exportDirectionDialog"
        property int index: -1
        title: qsTr("Export Direction")
        fileMode: FileChooser.SaveFile
        folderKey: "directions"
        nameFilters: [qsTr("NumPy arrays (*.npy)")]
        onAccepted: root.editor.exportLibraryEntry(index, selectedFile)
    }
    FileChooser {
        id: importDialog
        objectName: "importDirectionDialog"
        title: qsTr("Import Direction")
        folderKey: "directions"
        nameFilters: [qsTr("NumPy arrays (*.npy)")]
        onAccepted: root.editor.importLibraryFile(selectedFile, "")
    }
}
