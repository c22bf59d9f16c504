import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LatentStudio

// The model manager (File > Models…): the installed models (Open) and the catalogue of public
// models (Download, Cancel, Resume), imports of a model file, and what went wrong in words.
// `store` is a ModelStore (or anything with its properties and functions: the QML tests give
// a stub); `editor` is the EditorController that opens a model.
Dialog {
    id: root
    property var store
    property var editor
    property string message: ""       // the last failure, until closed or a success
    property string installedName: "" // the last model installed, with its path to open it
    property url installedUrl

    title: qsTr("Models")
    modal: true
    standardButtons: Dialog.Close
    width: Math.min(780, parent ? parent.width - 40 : 780)
    height: Math.min(680, parent ? parent.height - 40 : 680)

    onAboutToShow: if (store) store.refresh()

    function openModel(fileUrl) {
        if (root.editor) root.editor.loadModel(fileUrl)
        root.close()
    }
    function isCurrent(path) {
        if (!root.editor || path === "" || root.editor.modelPath === "") return false
        return root.store.sameFile ? root.store.sameFile(root.editor.modelPath, path)
                                   : root.editor.modelPath === path
    }
    function fileUrl(path) {
        return "file://" + encodeURI(path).replace(/#/g, "%23").replace(/\?/g, "%3F")
    }

    Connections {
        target: root.store
        ignoreUnknownSignals: true
        function onFailed(name, message) { root.message = message }
        function onInstalled(name, path) {
            root.message = ""
            root.installedName = name
            root.installedUrl = root.fileUrl(path)
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        // No connection: the file can still be fetched elsewhere and imported.
        Banner {
            objectName: "offlineBanner"
            visible: !!root.store && root.store.offline
            color: "#fff4ce"
            text: qsTr("No connection to the model's server. Download the file in a browser%1 and add it with “Import a file…”.")
                  .arg(root.store && root.store.offlineUrl !== ""
                       ? qsTr(" from <a href=\"%1\">%1</a>").arg(root.store.offlineUrl) : "")
        }
        Banner {
            objectName: "errorBanner"
            visible: root.message !== ""
            color: "#fde7e9"
            text: root.message
            closable: true
            onCloseRequested: root.message = ""
        }
        Banner {
            objectName: "installedBanner"
            visible: root.installedName !== "" && root.message === ""
            color: "#dff6dd"
            text: qsTr("“%1” is installed.").arg(root.installedName)
            closable: true
            actionText: qsTr("Open it")
            onActionRequested: root.openModel(root.installedUrl)
            onCloseRequested: root.installedName = ""
        }
        Label {
            visible: !!root.store && root.store.catalogError !== ""
            text: root.store ? root.store.catalogError : ""
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }

        ListView {
            id: list
            objectName: "modelList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 6
            model: root.store ? root.store.models : null
            ScrollBar.vertical: ScrollBar {}
            section.property: "section"
            section.delegate: Label {
                required property string section
                text: section === "installed" ? qsTr("Installed") : qsTr("Catalogue")
                font.bold: true
                font.pointSize: Qt.application.font.pointSize * 1.15
                topPadding: 6
                bottomPadding: 2
            }
            delegate: ModelRow {
                width: ListView.view.width - 12
                title: model.title
                description: model.description
                resolution: model.resolution
                sizeText: model.sizeText
                licence: model.licence
                licenceUrl: model.licenceUrl
                modelState: model.state
                progress: model.progress
                bytesText: model.bytesText
                shipped: model.shipped
                link: model.link
                current: root.isCurrent(model.path)
                onOpenRequested: root.openModel(model.fileUrl)
                onDownloadRequested: { root.message = ""; root.store.download(model.name) }
                onCancelRequested: root.store.cancel(model.name)
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Button {
                objectName: "importButton"
                text: qsTr("Import a file…")
                onClicked: importFileDialog.open()
            }
            WorkingIndicator { running: !!root.store && root.store.busy }
            Label {
                Layout.fillWidth: true
                text: root.store ? qsTr("Model folder: %1").arg(root.store.modelsDir) : ""
                elide: Text.ElideMiddle
                opacity: 0.6
            }
        }
    }

    FileChooser {
        id: importFileDialog
        objectName: "importModelFileDialog"
        folderKey: "models"
        title: qsTr("Import a model file")
        nameFilters: [qsTr("Models (*.pt *.pth *.pkl *.safetensors)"), qsTr("All files (*)")]
        onAccepted: importDialog.ask(selectedFile)
    }

    // The name of the model's folder, how photos are framed for it, copy or link.
    Dialog {
        id: importDialog
        objectName: "importDialog"
        property url file
        function ask(url) {
            file = url
            const s = url.toString()
            const base = s.substring(s.lastIndexOf("/") + 1)
            // A folder name: letters, digits, '.', '_' and '-' (core/store refuses others).
            nameField.text = decodeURIComponent(base.replace(/\.[^.]*$/, "")).replace(/[^A-Za-z0-9._-]+/g, "-")
            open()
        }
        title: qsTr("Import %1").arg(decodeURIComponent(file.toString().substring(file.toString().lastIndexOf("/") + 1)))
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        standardButtons: Dialog.Ok | Dialog.Cancel
        GridLayout {
            columns: 2
            Label { text: qsTr("Name") }
            TextField { id: nameField; objectName: "importName"; Layout.preferredWidth: 260 }
            Label { text: qsTr("Photos are framed") }
            ComboBox {
                id: alignmentBox
                objectName: "importAlignment"
                textRole: "text"
                valueRole: "value"
                Layout.preferredWidth: 260
                model: [{ value: "ffhq", text: qsTr("as FFHQ faces (ffhq)") },
                        { value: "portrait", text: qsTr("as portraits (portrait)") },
                        { value: "centre", text: qsTr("centred, whole (centre: animals, objects)") }]
            }
            Label { text: "" }
            CheckBox { id: linkBox; text: qsTr("Link to the file instead of copying it") }
        }
        onAccepted: {
            root.message = ""
            root.store.importFile(file, nameField.text, alignmentBox.currentValue, linkBox.checked)
        }
    }

    // A coloured strip with a message, an optional action and an optional close button.
    component Banner: Rectangle {
        id: banner
        property alias text: bannerText.text
        property bool closable: false
        property string actionText: ""
        signal closeRequested()
        signal actionRequested()
        Layout.fillWidth: true
        implicitHeight: bannerRow.implicitHeight + 16
        radius: 4
        RowLayout {
            id: bannerRow
            anchors.fill: parent
            anchors.margins: 8
            Label {
                id: bannerText
                objectName: "bannerText"
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                color: "#1a1a1a"
                textFormat: Text.StyledText
                onLinkActivated: address => Qt.openUrlExternally(address)
            }
            Button { visible: banner.actionText !== ""; text: banner.actionText; onClicked: banner.actionRequested() }
            ToolButton { visible: banner.closable; text: "×"; onClicked: banner.closeRequested() }
        }
    }
}
