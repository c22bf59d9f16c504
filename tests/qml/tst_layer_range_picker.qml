import QtQuick
import QtTest
import LatentStudio

TestCase {
    id: testCase
    name: "LayerRangePicker"
    width: 420
    height: 80
    when: windowShown
    visible: true

    Component {
        id: pickerComponent
        LayerRangePicker { numLayers: 10 }
    }
    SignalSpy { id: chosen; signalName: "chosen" }

    function makePicker(first, last) {
        const p = createTemporaryObject(pickerComponent, testCase, {firstLayer: first, lastLayer: last})
        chosen.target = p
        chosen.clear()
        return p
    }

    // A 64 px model has 10 W+ layers: blocks 4-8 px are layers 0-3, 16-32 px 4-7, 64 px 8-9.
    function test_presets_follow_the_resolution() {
        const p = makePicker(0, 9)
        compare(p.preset("coarse"), [0, 3])
        compare(p.preset("middle"), [4, 7])
        compare(p.preset("fine"), [8, 9])
        compare(p.preset("all"), [0, 9])
    }

    function test_the_current_preset_is_recognised() {
        compare(makePicker(0, 9).currentPreset, "all")
        compare(makePicker(0, -1).currentPreset, "all")
        compare(makePicker(4, 7).currentPreset, "middle")
        compare(makePicker(2, 5).currentPreset, "custom")
    }

    function test_custom_ranges_show_their_bounds() {
        const p = makePicker(2, 5)
        verify(findChild(p, "firstBox").visible)
        compare(findChild(p, "firstBox").value, 2)
        compare(findChild(p, "lastBox").value, 5)
        verify(!findChild(makePicker(0, 9), "firstBox").visible)
    }

    function test_choosing_a_preset_reports_its_layers() {
        const p = makePicker(0, 9)
        const combo = findChild(p, "presetCombo")
        combo.activated(3)  // "Fine"
        compare(chosen.count, 1)
        compare(chosen.signalArguments[0][0], 8)
        compare(chosen.signalArguments[0][1], 9)
    }
}
