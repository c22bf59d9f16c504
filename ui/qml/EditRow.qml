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
    // What the row shows: the readable name, the description (tooltip) and the slider's ends.
    property string label: name
    property string description: ""
    property string lowEnd: ""
    property string highEnd: ""
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
        color: root.selected ? Qt.rgba(palette.highlight.r, palette.highlight.g, palette.highlight.b, 0.18)
                             : "transparent"
        border.color: root.selected ? palette.highlight : palette.mid
        border.width: root.selected ? 2 : 1
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
                objectName: "nameLabel"
                text: root.label
                elide: Text.ElideRight
                Layout.fillWidth: true
                font.bold: root.strength !== 0
                HoverHandler { id: nameHover }
                ToolTip.visible: nameHover.hovered && root.description !== ""
                ToolTip.text: root.description
                ToolTip.delay: 500
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
            // The row being dragged is the selected one (Compare and Save work on it).
            focusPolicy: Qt.TabFocus
            onMoved: root.strengthMoved(value, false)
            onPressedChanged: {
                if (pressed) root.selectRequested()
                else root.strengthMoved(value, true)
            }
            TapHandler {
                acceptedButtons: Qt.LeftButton
                onDoubleTapped: root.resetRequested()
            }
        }
        // What each end of the slider does, where the manifest says.
        RowLayout {
            visible: root.lowEnd !== "" || root.highEnd !== ""
            Layout.fillWidth: true
            Label { objectName: "lowEndLabel"; text: "\u2190 " + root.lowEnd; opacity: 0.65; font.pixelSize: 11 }
            Item { Layout.fillWidth: true }
            Label { objectName: "highEndLabel"; text: root.highEnd + " \u2192"; opacity: 0.65; font.pixelSize: 11 }
        }
        LayerRangePicker {
            Layout.fillWidth: true
            numLayers: root.numLayers
            firstLayer: root.firstLayer
            lastLayer: root.lastLayer
            presetProvider: root.presetProvider
            onChosen: function(first, last) { root.selectRequested(); root.layersChosen(first, last) }
        }
    }
}
