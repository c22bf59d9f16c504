import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Which W+ layers an edit applies to: a preset (all / coarse / middle / fine) or a custom
// range. preset(name) returns [first, last]: from `presetProvider` when one is given (the
// editor's, from the model), else HiGAN's split computed here.
RowLayout {
    id: root
    property int numLayers: 10
    property int firstLayer: 0
    property int lastLayer: numLayers - 1
    property var presetProvider: undefined
    function preset(name) {
        if (presetProvider) return presetProvider(name)
        const last = function(block) { return Math.min(root.numLayers - 1, 2 * block + 1) }
        if (name === "coarse") return [0, last(1)]
        if (name === "middle") return [last(1) + 1, last(3)]
        if (name === "fine") return [last(3) + 1, root.numLayers - 1]
        return [0, root.numLayers - 1]
    }
    readonly property var presetNames: ["all", "coarse", "middle", "fine"]
    readonly property string currentPreset: {
        const effectiveLast = lastLayer < 0 ? numLayers - 1 : lastLayer
        for (const name of presetNames) {
            const r = preset(name)
            if (r[0] === firstLayer && r[1] === effectiveLast) return name
        }
        return "custom"
    }
    signal chosen(int first, int last)
    spacing: 4

    ComboBox {
        id: combo
        objectName: "presetCombo"
        focusPolicy: Qt.TabFocus  // a click leaves the keyboard to the window's shortcuts
        Layout.preferredWidth: 96
        model: [qsTr("All"), qsTr("Coarse"), qsTr("Middle"), qsTr("Fine"), qsTr("Custom")]
        currentIndex: root.currentPreset === "custom" ? 4 : root.presetNames.indexOf(root.currentPreset)
        onActivated: function(index) {
            if (index < 4) {
                const r = root.preset(root.presetNames[index])
                root.chosen(r[0], r[1])
            }
        }
        ToolTip.visible: hovered
        ToolTip.text: qsTr("Layers %1 to %2").arg(root.firstLayer).arg(root.lastLayer < 0 ? root.numLayers - 1 : root.lastLayer)
    }
    SpinBox {
        id: firstBox
        objectName: "firstBox"
        visible: combo.currentIndex === 4
        from: 0; to: root.numLayers - 1
        value: root.firstLayer
        editable: true
        Layout.preferredWidth: 80
        onValueModified: root.chosen(value, Math.max(value, lastBox.value))
    }
    SpinBox {
        id: lastBox
        objectName: "lastBox"
        visible: combo.currentIndex === 4
        from: 0; to: root.numLayers - 1
        value: root.lastLayer < 0 ? root.numLayers - 1 : root.lastLayer
        editable: true
        Layout.preferredWidth: 80
        onValueModified: root.chosen(Math.min(firstBox.value, value), value)
    }
}
