import QtQuick
import QtTest
import LatentStudio

TestCase {
    id: testCase
    name: "EditRow"
    width: 420
    height: 220
    when: windowShown
    visible: true

    Component {
        id: rowComponent
        EditRow { width: 400; name: "smile"; strength: 0; range: 5; numLayers: 10 }
    }
    SignalSpy { id: moved; signalName: "strengthMoved" }
    SignalSpy { id: reset; signalName: "resetRequested" }
    SignalSpy { id: toggled; signalName: "enabledToggled" }

    function makeRow() {
        const row = createTemporaryObject(rowComponent, testCase)
        moved.target = row; moved.clear()
        reset.target = row; reset.clear()
        toggled.target = row; toggled.clear()
        return row
    }

    function test_value_label_shows_the_strength() {
        const row = makeRow()
        row.strength = 1.234
        compare(findChild(row, "valueLabel").text, "1.23")
    }

    function test_a_drag_is_reported_live_and_then_once_as_done() {
        const row = makeRow()
        const slider = findChild(row, "slider")
        waitForRendering(row)
        const y = slider.height / 2
        mousePress(slider, slider.width / 2, y)
        mouseMove(slider, slider.width * 0.6, y)
        mouseMove(slider, slider.width * 0.8, y)
        mouseRelease(slider, slider.width * 0.8, y)
        verify(moved.count >= 2, "live moves and the final value")
        const last = moved.signalArguments[moved.count - 1]
        compare(last[1], true, "the last report ends the drag")
        verify(last[0] > 0, "moved to the right: a positive strength")
        for (let i = 0; i < moved.count - 1; ++i) compare(moved.signalArguments[i][1], false)
    }

    function test_double_click_on_the_value_resets() {
        const row = makeRow()
        const label = findChild(row, "valueLabel")
        waitForRendering(row)
        mouseDoubleClickSequence(label)
        compare(reset.count, 1)
    }

    function test_the_check_box_toggles_the_edit() {
        const row = makeRow()
        const box = findChild(row, "enabledBox")
        waitForRendering(row)
        mouseClick(box)
        compare(toggled.count, 1)
        compare(toggled.signalArguments[0][0], false)
    }
}
