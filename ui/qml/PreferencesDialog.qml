import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Qt.labs.settings

// Device, CPU threads and autosave interval, remembered between runs (QSettings).
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
    }

    onAccepted: {
        const deviceChanged = settings.device !== deviceBox.currentText
        settings.device = deviceBox.currentText
        settings.threads = threadsBox.value
        settings.jpegQuality = qualityBox.value
        if (root.mainWindow) root.mainWindow.jpegQuality = qualityBox.value
        if (root.editor) {
            root.editor.autosaveSeconds = autosaveBox.value
            if (deviceChanged) root.editor.loadModel("", settings.device)
        }
    }
}
