import QtQuick
import QtTest
import LatentStudio

TestCase {
    id: testCase
    name: "LibraryRow"
    width: 420
    height: 160
    when: windowShown
    visible: true

    Component {
        id: rowComponent
        LibraryRow { width: 400; name: "smile"; detail: "middle, ±3" }
    }
    SignalSpy { id: renamed; signalName: "renameRequested" }
    SignalSpy { id: deleted; signalName: "deleteRequested" }
    SignalSpy { id: added; signalName: "addRequested" }

    function makeRow(props) {
        const row = createTemporaryObject(rowComponent, testCase, props || {})
        renamed.target = row; renamed.clear()
        deleted.target = row; deleted.clear()
        added.target = row; added.clear()
        return row
    }

    function typeText(text) {
        for (const c of text) keyClick(c)
    }

    function test_double_click_renames_in_place_and_enter_keeps_it() {
        const row = makeRow()
        waitForRendering(row)
        mouseDoubleClickSequence(findChild(row, "nameLabel"))
        verify(row.editing)
        const edit = findChild(row, "nameEdit")
        tryCompare(edit, "activeFocus", true)
        keyClick(Qt.Key_A, Qt.ControlModifier)
        typeText("grin")
        keyClick(Qt.Key_Return)
        verify(!row.editing)
        compare(renamed.count, 1)
        compare(renamed.signalArguments[0][0], "grin")
    }

    function test_escape_and_an_empty_or_unchanged_name_rename_nothing() {
        const row = makeRow()
        waitForRendering(row)
        row.startRename()
        typeText("x")
        keyClick(Qt.Key_Escape)
        verify(!row.editing)
        compare(renamed.count, 0)
        row.startRename()
        keyClick(Qt.Key_Return)  // unchanged
        row.startRename()
        keyClick(Qt.Key_Backspace)
        keyClick(Qt.Key_Return)  // empty
        compare(renamed.count, 0)
    }

    function test_the_models_own_directions_are_read_only() {
        const row = makeRow({ readOnly: true })
        waitForRendering(row)
        verify(!findChild(row, "renameButton").enabled)
        verify(!findChild(row, "deleteButton").enabled)
        row.startRename()
        verify(!row.editing)
        mouseClick(findChild(row, "deleteButton"))
        compare(deleted.count, 0)
        mouseClick(findChild(row, "addButton"))
        compare(added.count, 1, "they can still be added to the edits")
    }
}
