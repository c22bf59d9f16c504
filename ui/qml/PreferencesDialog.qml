import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Qt.labs.settings

// Device, CPU threads, autosave interval, and how photos are exported and faces found,
// remembered between runs (QSettings).
Dialog {
    id: root
    property var editor
    property var mainWindow  // receives the JPEG quality
    title: qsTr("Preferences")
    standardButtons: Dialog.Ok | Dialog.Cancel
    modal: true

    Settings {
        id: settings
        property string device: "auto"
        property int threads: 0
        property int jpegQuality: 92
    }
    Component.onCompleted: if (root.mainWindow) root.mainWindow.jpegQuality = settings.jpegQuality

    GridLayout {
        columns: 2
        Label { text: qsTr("Device") }
        ComboBox {
            id: deviceBox
            model: ["auto", "cpu", "cuda"]
            currentIndex: Math.max(0, model.indexOf(settings.device))
        }
        Label { text: qsTr("CPU threads (0: all cores)") }
        SpinBox { id: threadsBox; from: 0; to: 256; value: settings.threads; editable: true }
        Label { text: qsTr("JPEG export quality") }
        SpinBox { id: qualityBox; from: 1; to: 100; value: settings.jpegQuality; editable: true }
        Label { text: qsTr("Autosave every (seconds)") }
        SpinBox { id: autosaveBox; from: 1; to: 600; value: root.editor ? root.editor.autosaveSeconds : 5; editable: true }
        Label { text: qsTr("Photo export") }
        ComboBox {
            id: pasteBox
            objectName: "pasteModeBox"
            model: [qsTr("Difference (keeps the photo's detail)"), qsTr("Replace (the model's crop)")]
            currentIndex: root.editor && root.editor.pasteMode === "replace" ? 1 : 0
        }
        Label { text: qsTr("Poisson blending") }
        CheckBox { id: poissonBox; checked: root.editor ? root.editor.poisson : false }
        Label { text: qsTr("YuNet face model (.onnx, empty: Haar)") }
        TextField { id: yunetField; text: root.editor ? root.editor.yunetModel : ""; Layout.preferredWidth: 260 }
    }

    onAccepted: {
        const deviceChanged = settings.device !== deviceBox.currentText
        settings.device = deviceBox.currentText
        settings.threads = threadsBox.value
        settings.jpegQuality = qualityBox.value
        if (root.mainWindow) root.mainWindow.jpegQuality = qualityBox.value
        if (root.editor) {
            root.editor.autosaveSeconds = autosaveBox.value
            root.editor.pasteMode = pasteBox.currentIndex === 1 ? "replace" : "difference"
            root.editor.poisson = poissonBox.checked
            root.editor.yunetModel = yunetField.text
            if (deviceChanged) root.editor.loadModel("", settings.device)
        }
    }
}
