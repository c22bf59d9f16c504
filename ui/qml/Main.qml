import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The editor's main window. For now a bare window: the canvas, the edit panel and the
// inference worker come with the editor issue.
ApplicationWindow {
    id: window
    width: 1100
    height: 720
    visible: true
    title: qsTr("Latent Studio")

    menuBar: MenuBar {
        Menu {
            title: qsTr("&File")
            Action {
                text: qsTr("&Quit")
                shortcut: StandardKey.Quit
                onTriggered: Qt.quit()
            }
        }
    }

    ColumnLayout {
        anchors.centerIn: parent
        spacing: 12
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Latent Studio")
            font.pixelSize: 32
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("The engine is ready; the editor's canvas and sliders are being built.\n"
                       + "Meanwhile, latent-studio-cli generates images from any StyleGAN2 model.")
            horizontalAlignment: Text.AlignHCenter
            opacity: 0.7
        }
    }

    footer: ToolBar {
        Label {
            anchors.verticalCenter: parent.verticalCenter
            leftPadding: 8
            text: qsTr("Ready")
        }
    }
}
