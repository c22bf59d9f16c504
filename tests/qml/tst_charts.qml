import QtQuick
import QtTest
import LatentStudio

// The chart components' geometry, against values worked out by hand.
TestCase {
    id: testCase
    name: "Charts"
    width: 400
    height: 300
    when: windowShown
    visible: true

    Component { id: lineComponent; LineChart { width: 146; height: 100 } }
    Component { id: barComponent; BarChart { width: 200; height: 66 } }
    Component { id: attributeComponent; AttributeChart { width: 270 } }

    // plotLeft 46, plotTop 4 (no title), plotWidth 146 - 46 - 4 = 96, plotHeight 100 - 4 - 14 = 82.
    function test_line_points_span_the_plot() {
        const c = createTemporaryObject(lineComponent, testCase, {values: [1, 2, 4]})
        compare(c.xFor(0), 46)
        compare(c.xFor(1), 94)
        compare(c.xFor(2), 142)
        compare(c.yFor(4), 4)       // the largest value at the top
        compare(c.yFor(1), 86)      // the smallest at the bottom
        fuzzyCompare(c.yFor(2), 4 + 82 * 2 / 3, 1e-9)
        compare(c.points(c.values).length, 3)
    }

    function test_a_log_scale_puts_the_geometric_mean_in_the_middle() {
        const c = createTemporaryObject(lineComponent, testCase, {values: [1, 2, 4], logScale: true})
        fuzzyCompare(c.yFor(2), 4 + 82 / 2, 1e-9)
        compare(c.label(c.yMax), "4.00")
        compare(c.label(c.yMin), "1.00")
    }

    function test_the_second_series_widens_the_range_and_a_flat_one_sits_in_the_middle() {
        const c = createTemporaryObject(lineComponent, testCase, {values: [2, 2], secondValues: [1, 3]})
        compare(c.yFor(3), 4)
        compare(c.yFor(2), 45)
        const flat = createTemporaryObject(lineComponent, testCase, {values: [5, 5, 5]})
        compare(flat.yFor(5), 45)
    }

    // plotTop 16, plotHeight 66 - 16 - 2 = 48.
    function test_bars_scale_to_the_largest_and_the_share_is_of_the_whole_spectrum() {
        const c = createTemporaryObject(barComponent, testCase, {values: [6, 3, 1, -0.5], highlightCount: 1})
        compare(c.barHeight(0), 48)
        compare(c.barHeight(1), 24)
        compare(c.barHeight(3), 0)  // a rounding error below zero draws nothing
        fuzzyCompare(c.highlightShare, 0.6, 1e-12)
        const label = findChild(c, "shareLabel")
        verify(label.text.indexOf("60.0 %") >= 0, label.text)
        verify(label.text.indexOf("first 1 of 4") >= 0, label.text)
    }

    function test_only_the_first_bars_are_drawn() {
        const many = []
        for (let i = 0; i < 100; ++i) many.push(100 - i)
        const c = createTemporaryObject(barComponent, testCase, {values: many, maxBars: 48})
        compare(findChild(c, "bars").count, 48)
        compare(c.slot, 200 / 48)
    }

    // labelWidth 124, deltaWidth 46: the bar area is 270 - 170 = 100 wide, 0 at x = 174.
    function test_attribute_bars_grow_from_the_centre_and_changes_stand_out() {
        const c = createTemporaryObject(attributeComponent, testCase,
                                        {names: ["smile", "age", "yaw"], values: [0.5, -1.5, 0.02],
                                         reference: [0.1, -0.2, 0.0]})
        compare(c.xFor(0), 174)
        compare(c.xFor(1), 224)
        compare(c.xFor(-1), 124)
        compare(c.xFor(-1.5), 124)  // clamped
        const rows = findChild(c, "rows")
        compare(rows.count, 3)
        const bar = findChild(rows.itemAt(0), "bar")
        compare(bar.x, 174)
        compare(bar.width, 25)
        const negative = findChild(rows.itemAt(1), "bar")
        compare(negative.x, 124)
        compare(negative.width, 50)
        compare(findChild(rows.itemAt(0), "referenceMark").x, c.xFor(0.1) - 1)
        fuzzyCompare(c.delta(0), 0.4, 1e-12)
        verify(c.changed(0))
        verify(c.changed(1))
        verify(!c.changed(2))  // 0.02 is below the threshold
        compare(c.implicitHeight, 3 * c.rowHeight)
    }

    function test_missing_scores_draw_no_bar() {
        const c = createTemporaryObject(attributeComponent, testCase, {names: ["smile", "age"], values: [], reference: []})
        const rows = findChild(c, "rows")
        verify(!findChild(rows.itemAt(0), "bar").visible)
        verify(!findChild(rows.itemAt(0), "referenceMark").visible)
        compare(c.delta(0), 0)
    }
}
