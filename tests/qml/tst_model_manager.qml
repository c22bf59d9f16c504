import QtQuick
import QtTest
import LatentStudio

// The model manager's rows offer what their state allows (Open, Download, Cancel, Resume,
// nothing while verifying, "convert first"), and the dialog passes the clicks to its store
// and shows the offline banner and failures. A stub stands in for ModelStore.
TestCase {
    id: testCase
    name: "ModelManager"
    width: 800
    height: 700
    when: windowShown
    visible: true

    Component {
        id: rowComponent
        ModelRow { width: 600; title: "FFHQ faces 1024"; resolution: 1024; sizeText: "size unknown"; licence: "NVIDIA" }
    }
    SignalSpy { id: opened; signalName: "openRequested" }
    SignalSpy { id: downloaded; signalName: "downloadRequested" }
    SignalSpy { id: cancelled; signalName: "cancelRequested" }

    function makeRow(props) {
        const row = createTemporaryObject(rowComponent, testCase, props)
        for (const spy of [opened, downloaded, cancelled]) { spy.target = row; spy.clear() }
        return row
    }
    function shown(row, name) {
        const item = findChild(row, name)
        return item !== null && item.visible
    }
    function buttonsOf(row) {
        return ["openButton", "downloadButton", "resumeButton", "cancelButton"].filter(n => shown(row, n))
    }

    function test_buttons_by_state_data() {
        return [
            { tag: "installed", state: "installed", buttons: ["openButton"], bar: false },
            { tag: "available", state: "available", buttons: ["downloadButton"], bar: false },
            { tag: "partial", state: "partial", buttons: ["resumeButton"], bar: true },
            { tag: "queued", state: "queued", buttons: ["cancelButton"], bar: true },
            { tag: "downloading", state: "downloading", buttons: ["cancelButton"], bar: true },
            { tag: "verifying", state: "verifying", buttons: [], bar: true },
            { tag: "unsupported", state: "unsupported", buttons: [], bar: false },
        ]
    }
    function test_buttons_by_state(data) {
        const row = makeRow({ modelState: data.state, progress: 0.25, bytesText: "3.0 MB of 12.0 MB" })
        waitForRendering(row)
        compare(buttonsOf(row), data.buttons)
        compare(shown(row, "progressBar"), data.bar)
    }

    function test_download_cancel_resume_and_open_signal() {
        let row = makeRow({ modelState: "available" })
        mouseClick(findChild(row, "downloadButton"))
        compare(downloaded.count, 1)
        row.modelState = "downloading"
        mouseClick(findChild(row, "cancelButton"))
        compare(cancelled.count, 1)
        row.modelState = "partial"
        mouseClick(findChild(row, "resumeButton"))
        compare(downloaded.count, 2)
        row.modelState = "installed"
        mouseClick(findChild(row, "openButton"))
        compare(opened.count, 1)
    }

    function test_state_texts_say_what_happens() {
        const row = makeRow({ modelState: "partial", progress: -1, bytesText: "1.7 MB so far" })
        verify(findChild(row, "stateLabel").text.indexOf("1.7 MB so far") >= 0)
        verify(!shown(row, "progressBar"), "no bar when the size is unknown")
        row.modelState = "unsupported"
        verify(findChild(row, "stateLabel").text.indexOf("Convert first") >= 0)
        row.modelState = "downloading"
        row.bytesText = ""
        compare(findChild(row, "stateLabel").text, "Connecting…")
        verify(findChild(row, "progressBar").indeterminate, "the total is not known yet")
    }

    function test_the_current_model_cannot_be_opened_again() {
        const row = makeRow({ modelState: "installed", current: true })
        verify(shown(row, "currentTag"))
        verify(!shown(row, "openButton"))
    }

    // ---- the dialog, with a stub store

    QtObject {
        id: stubStore
        property bool offline: false
        property string offlineUrl: ""
        property bool busy: false
        property string catalogError: ""
        property string modelsDir: "/tmp/models"
        property var calls: []
        property ListModel models: ListModel {
            ListElement { name: "default"; title: "Shipped"; section: "installed"; state: "installed"; path: "/m/default/manifest.json"; fileUrl: "file:///m/default/manifest.json"; description: ""; resolution: 64; sizeText: "1 MB"; licence: ""; licenceUrl: ""; progress: -1; bytesText: ""; shipped: true; link: false }
            ListElement { name: "ffhq"; title: "FFHQ"; section: "catalogue"; state: "available"; path: ""; fileUrl: ""; description: "Faces"; resolution: 1024; sizeText: "size unknown"; licence: "NVIDIA"; licenceUrl: ""; progress: -1; bytesText: ""; shipped: false; link: false }
            ListElement { name: "metfaces"; title: "MetFaces"; section: "catalogue"; state: "downloading"; path: ""; fileUrl: ""; description: ""; resolution: 1024; sizeText: "size unknown"; licence: "NVIDIA"; licenceUrl: ""; progress: 0.5; bytesText: "1 MB of 2 MB"; shipped: false; link: false }
        }
        signal failed(string name, string message)
        signal installed(string name, string path)
        function refresh() { calls.push("refresh") }
        function download(name) { calls.push("download " + name); return true }
        function cancel(name) { calls.push("cancel " + name) }
        function importFile(url, name, alignment, link) { calls.push(["import", url.toString(), name, alignment, link].join(" ")) }
        function sameFile(a, b) { return a === b }
    }
    QtObject {
        id: stubEditor
        property string modelPath: "/m/default/manifest.json"
        property var loaded: []
        function loadModel(url) { loaded.push(url.toString()) }
    }
    Component {
        id: dialogComponent
        ModelManagerDialog { store: stubStore; editor: stubEditor; width: 760; height: 600 }
    }

    function rowsOf(dialog) {
        const list = findChild(dialog.contentItem, "modelList")
        list.forceLayout()
        const rows = []
        const items = list.contentItem.children  // a QML list: no for-of in Qt 6.4
        for (let i = 0; i < items.length; ++i) if (items[i].modelState !== undefined) rows.push(items[i])
        rows.sort((a, b) => a.y - b.y)
        return rows
    }

    function test_dialog_passes_clicks_to_the_store_and_shows_what_went_wrong() {
        stubStore.calls = []
        stubStore.offline = false
        const dialog = createTemporaryObject(dialogComponent, testCase)
        dialog.open()
        tryCompare(dialog, "opened", true)
        compare(stubStore.calls, ["refresh"])
        const rows = rowsOf(dialog)
        compare(rows.length, 3)
        verify(rows[0].current, "the editor's model is marked")
        mouseClick(findChild(rows[1], "downloadButton"))
        mouseClick(findChild(rows[2], "cancelButton"))
        compare(stubStore.calls, ["refresh", "download ffhq", "cancel metfaces"])

        verify(!findChild(dialog.contentItem, "offlineBanner").visible)
        stubStore.offlineUrl = "https://example.org/ffhq.pkl"
        stubStore.offline = true
        const banner = findChild(dialog.contentItem, "offlineBanner")
        verify(banner.visible)
        verify(banner.text.indexOf("https://example.org/ffhq.pkl") >= 0)
        verify(banner.text.indexOf("Import a file") >= 0)

        stubStore.failed("ffhq", "FFHQ was not installed: it is not a model.")
        const error = findChild(dialog.contentItem, "errorBanner")
        verify(error.visible)
        compare(error.text, "FFHQ was not installed: it is not a model.")
        stubStore.installed("ffhq", "/m/ffhq/manifest.json")
        verify(!error.visible, "a success clears the failure")
        verify(findChild(dialog.contentItem, "installedBanner").visible)
        dialog.openModel(dialog.installedUrl)
        compare(stubEditor.loaded, ["file:///m/ffhq/manifest.json"])
        verify(!dialog.visible, "opening a model closes the manager")
    }

    function test_import_asks_for_a_name_and_alignment() {
        stubStore.calls = []
        const dialog = createTemporaryObject(dialogComponent, testCase)
        dialog.open()
        tryCompare(dialog, "opened", true)
        const ask = findChild(dialog, "importDialog")
        verify(ask !== null)
        ask.ask("file:///tmp/my%20cats%20(v2).pkl")
        tryCompare(ask, "opened", true)
        compare(findChild(ask.contentItem, "importName").text, "my-cats-v2-", "a valid folder name")
        findChild(ask.contentItem, "importName").text = "cats"
        findChild(ask.contentItem, "importAlignment").currentIndex = 2
        ask.accept()
        compare(stubStore.calls, ["refresh", "import file:///tmp/my cats (v2).pkl cats centre false"])
    }
}
