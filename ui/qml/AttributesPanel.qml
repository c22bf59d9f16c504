import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The Attributes tab: for a model with an attribute classifier (the embedded default model
// has one), the scores of the current image next to the original's, so that an edit's side
// effects are seen (moving "age" should not move "smile").
Pane {
    id: root
    property var editor
    padding: 0

    ColumnLayout {
        anchors.fill: parent
        spacing: 6
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            opacity: 0.7
            text: root.editor.attributeNames.length === 0
                  ? qsTr("This model has no attribute classifier (a model folder's manifest names "
                         + "one as “classifier”; `latent-studio-cli train classifier` makes one).")
                  : qsTr("The classifier's scores, -1 to +1. Bar: the current image; mark: the "
                         + "original without edits; attributes that changed by 0.1 or more are "
                         + "in orange.")
        }
        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: root.editor.attributeNames.length > 0
            AttributeChart {
                objectName: "attributeChart"
                width: root.width - 12
                names: root.editor.attributeNames
                values: root.editor.attributeScores
                reference: root.editor.originalAttributeScores
            }
        }
    }
}
