import QtQuick
import QtTest
import LatentStudio

TestCase {
    id: testCase
    name: "CandidateRow"
    width: 420
    height: 200
    when: windowShown
    visible: true

    Component {
        id: rowComponent
        CandidateRow { width: 400; number: 3; method: "sefa"; rangeLabel: "middle"; detail: "eigenvalue 12.5" }
    }
    Component {
        id: countingComponent
        CandidateRow { property int asked: 0; width: 400; onStripWanted: asked++ }
    }
    SignalSpy { id: added; signalName: "addRequested" }
    SignalSpy { id: wanted; signalName: "stripWanted" }

    function makeRow(props) {
        const row = createTemporaryObject(rowComponent, testCase, props || {})
        added.target = row; added.clear()
        return row
    }

    function test_the_default_name_names_method_number_and_layers() {
        const row = makeRow()
        compare(row.defaultName, "SeFa 3 (middle)")
        compare(findChild(row, "candidateName").placeholderText, "SeFa 3 (middle)")
        row.method = "pca"
        compare(row.defaultName, "PCA 3")
    }

    function test_add_without_a_name_uses_the_default() {
        const row = makeRow()
        waitForRendering(row)
        mouseClick(findChild(row, "addCandidateButton"))
        compare(added.count, 1)
        compare(added.signalArguments[0][0], "SeFa 3 (middle)")
    }

    function test_a_typed_name_is_used_and_enter_adds() {
        const row = makeRow()
        const field = findChild(row, "candidateName")
        waitForRendering(row)
        mouseClick(field)
        keyClick(Qt.Key_S); keyClick(Qt.Key_M); keyClick(Qt.Key_I); keyClick(Qt.Key_L); keyClick(Qt.Key_E)
        compare(row.chosenName, "smile")
        keyClick(Qt.Key_Return)
        compare(added.count, 1)
        compare(added.signalArguments[0][0], "smile")
        compare(field.text, "", "the field is cleared for the next one")
    }

    function test_the_strip_is_asked_for_when_made_and_at_each_new_request() {
        wanted.clear()
        wanted.target = null
        // A row made without a strip, or with a stale one, asks at once (the list makes rows
        // in view only).
        compare(createTemporaryObject(countingComponent, testCase, { hasStrip: false }).asked, 1)
        compare(createTemporaryObject(countingComponent, testCase, { hasStrip: true }).asked, 0)
        compare(createTemporaryObject(countingComponent, testCase,
                                      { hasStrip: true, stripStale: true }).asked, 1)
        const row = createTemporaryObject(rowComponent, testCase, { hasStrip: true })
        wanted.target = row
        compare(wanted.count, 0, "a row with its strip asks for nothing")
        // The image changed: the old strip stays while a new one comes.
        row.stripStale = true
        row.stripRequest = 1
        compare(wanted.count, 1)
        compare(findChild(row, "strip").visible, true)
        // It changed again before the strip came: the row asks again.
        row.stripRequest = 2
        compare(wanted.count, 2)
    }
}
