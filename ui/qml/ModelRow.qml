import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One model of the model manager: an installed one (Open) or one of the catalogue (Download,
// Cancel, Resume, with a progress bar and the bytes so far). `modelState` is the ModelStore's
// state: installed, available, partial, queued, downloading, verifying or unsupported.
Frame {
    id: root
    property string title: ""
    property string description: ""
    property int resolution: 0
    property string sizeText: ""
    property string licence: ""
    property string licenceUrl: ""
    property string modelState: "available"
    property real progress: -1
    property string bytesText: ""
    property bool shipped: false
    property bool link: false
    property bool current: false  // the editor's model
    signal openRequested()
    signal downloadRequested()
    signal cancelRequested()

    readonly property bool active: modelState === "queued" || modelState === "downloading"
                                   || modelState === "verifying"
    readonly property string stateText: {
        switch (modelState) {
        case "queued": return qsTr("Queued: starts when the downloads before it have finished")
        case "downloading": return bytesText !== "" ? qsTr("Downloading: %1").arg(bytesText)
                                                     : qsTr("Connecting…")
        case "verifying": return qsTr("Verifying (checksum and a trial load)…")
        case "partial": return qsTr("Stopped: %1. Resume continues from there").arg(bytesText)
        case "unsupported": return qsTr("Convert first: Latent Studio cannot read this format; import the converted file")
        default: return ""
        }
    }

    padding: 8
    ColumnLayout {
        anchors.fill: parent
        spacing: 3
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Label {
                objectName: "titleLabel"
                text: root.title
                font.bold: true
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Label {
                objectName: "currentTag"
                visible: root.current
                text: qsTr("current")
                color: "#1a7f37"
                font.bold: true
            }
            Label { visible: root.shipped; text: qsTr("shipped"); opacity: 0.6 }
            Label { visible: root.link; text: qsTr("linked"); opacity: 0.6 }
            Button {
                objectName: "openButton"
                visible: root.modelState === "installed" && !root.current
                text: qsTr("Open")
                onClicked: root.openRequested()
            }
            Button {
                objectName: "downloadButton"
                visible: root.modelState === "available"
                text: qsTr("Download")
                onClicked: root.downloadRequested()
            }
            Button {
                objectName: "resumeButton"
                visible: root.modelState === "partial"
                text: qsTr("Resume")
                onClicked: root.downloadRequested()
            }
            Button {
                objectName: "cancelButton"
                visible: root.modelState === "queued" || root.modelState === "downloading"
                text: qsTr("Cancel")
                onClicked: root.cancelRequested()
            }
        }
        Label {
            objectName: "detailLabel"
            Layout.fillWidth: true
            opacity: 0.75
            wrapMode: Text.WordWrap  // a licence's name is read whole, not cut off
            textFormat: Text.StyledText
            text: [root.resolution > 0 ? qsTr("%1 px").arg(root.resolution) : "",
                   root.sizeText,
                   root.licenceUrl !== "" ? "<a href=\"" + root.licenceUrl + "\">" + root.licence + "</a>"
                                          : root.licence].filter(s => s !== "").join("  ·  ")
            onLinkActivated: address => Qt.openUrlExternally(address)
        }
        Label {
            Layout.fillWidth: true
            visible: root.description !== ""
            text: root.description
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
            opacity: 0.75
            font.pointSize: Qt.application.font.pointSize * 0.92
        }
        ProgressBar {
            objectName: "progressBar"
            Layout.fillWidth: true
            // A stopped download shows how far it came when the size is known.
            visible: root.active || (root.modelState === "partial" && root.progress >= 0)
            from: 0; to: 1
            value: Math.max(0, root.progress)
            // The size is unknown until the server says it, and a trial load has no steps.
            indeterminate: root.active && (root.progress < 0 || root.modelState === "verifying")
        }
        Label {
            objectName: "stateLabel"
            Layout.fillWidth: true
            visible: text !== ""
            text: root.stateText
            wrapMode: Text.WordWrap
            color: root.modelState === "unsupported" ? "#9a6700" : palette.windowText
        }
    }
}
