import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One direction in the edit list: on/off, name, slider with its value (double-click resets),
// and the layer range. A drag reports intermediate values with done = false and its end
// with done = true, so that the whole drag is one undo step. A click on the row selects it
// (the compare view and "Save to library" work on the selected row).
Frame {
    id: root
    property string name: ""
    property real strength: 0
    property bool editEnabled: true
    property real range: 10
    property int numLayers: 10
    property int firstLayer: 0
    property int lastLayer: -1
    property var presetProvider: undefined
    property bool selected: false
    signal selectRequested()
    signal saveRequested()
    signal strengthMoved(real value, bool done)
    signal resetRequested()
    signal enabledToggled(bool enabled)
    signal layersChosen(int first, int last)
    signal removeRequested()

    padding: 6
    background: Rectangle {
        color: root.selected ? Qt.rgba(palette.highlight.r, palette.highlight.g, palette.highlight.b, 0.12)
                             : "transparent"
        border.color: root.selected ? palette.highlight : palette.mid
        radius: 3
    }
    TapHandler { onTapped: root.selectRequested() }
    ColumnLayout {
        anchors.fill: parent
        spacing: 2
        RowLayout {
            Layout.fillWidth: true
            CheckBox {
                objectName: "enabledBox"
                checked: root.editEnabled
                onToggled: root.enabledToggled(checked)
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Apply this edit")
            }
            Label {
                text: root.name
                elide: Text.ElideRight
                Layout.fillWidth: true
                font.bold: root.strength !== 0
            }
            Label {
                objectName: "valueLabel"
                text: root.strength.toFixed(2)
                font.family: "monospace"
                // Double-click the value (as in Lightroom) to reset the slider to 0.
                MouseArea {
                    anchors.fill: parent
                    onDoubleClicked: root.resetRequested()
                }
            }
            ToolButton {
                objectName: "saveButton"
                text: "\u2606"
                onClicked: { root.selectRequested(); root.saveRequested() }
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Save to the direction library")
            }
            ToolButton {
                text: "\u2715"
                onClicked: root.removeRequested()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Remove from the list")
            }
        }
        Slider {
            id: slider
            objectName: "slider"
            Layout.fillWidth: true
            enabled: root.editEnabled
            from: -root.range
            to: root.range
            value: root.strength
            onMoved: root.strengthMoved(value, false)
            onPressedChanged: if (!pressed) root.strengthMoved(value, true)
            TapHandler {
                acceptedButtons: Qt.LeftButton
                onDoubleTapped: root.resetRequested()
            }
        }
        LayerRangePicker {
            Layout.fillWidth: true
            numLayers: root.numLayers
            firstLayer: root.firstLayer
            lastLayer: root.lastLayer
            presetProvider: root.presetProvider
            onChosen: function(first, last) { root.layersChosen(first, last) }
        }
    }
}
