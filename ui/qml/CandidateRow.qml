import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LatentStudio

// One discovered direction: its number and strength (eigenvalue or standard deviation), its
// preview strip (the current image at -s, -s/2, 0, +s/2, +s) and a field to name it before
// adding it to the edit list. The strip is asked for when the row is created (the list makes
// rows as they scroll into view) and again when it went stale (the image changed).
Frame {
    id: root
    property int number: 1
    property string method: "sefa"  // or "pca"
    property string rangeLabel: "all"
    property string detail: ""
    property bool hasStrip: false
    property bool stripStale: false  // the image changed: a new strip is on its way
    property int stripRequest: 0     // changes whenever the strips are to be rendered again
    property alias strip: stripCanvas.image
    readonly property string defaultName: method === "pca" ? "PCA " + number
                                                           : "SeFa " + number + " (" + rangeLabel + ")"
    readonly property string chosenName: nameField.text.trim() !== "" ? nameField.text.trim()
                                                                      : defaultName
    signal addRequested(string name)
    signal stripWanted()

    function add() {
        root.addRequested(root.chosenName)
        nameField.text = ""
    }

    Component.onCompleted: if (!hasStrip || stripStale) stripWanted()
    onHasStripChanged: if (!hasStrip) stripWanted()
    onStripRequestChanged: stripWanted()

    padding: 6
    ColumnLayout {
        anchors.fill: parent
        spacing: 4
        RowLayout {
            Layout.fillWidth: true
            Label { text: "#" + root.number; font.bold: true }
            Label { text: root.detail; opacity: 0.7; Layout.fillWidth: true; elide: Text.ElideRight }
        }
        Item {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(72, width / 5)
            ImageCanvas {
                id: stripCanvas
                objectName: "strip"
                anchors.fill: parent
                visible: root.hasStrip
                opacity: root.stripStale ? 0.6 : 1
            }
            WorkingIndicator {
                anchors.centerIn: parent
                font.pixelSize: parent.height * 0.4
                running: !root.hasStrip
            }
        }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: nameField
                objectName: "candidateName"
                Layout.fillWidth: true
                placeholderText: root.defaultName
                onAccepted: root.add()
            }
            Button {
                objectName: "addCandidateButton"
                text: qsTr("Add")
                onClicked: root.add()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Add to the edits as \"%1\"").arg(root.chosenName)
            }
        }
    }
}
