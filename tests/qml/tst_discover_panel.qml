import QtQuick
import QtTest
import LatentStudio

// The Discover panel against a stand-in for the editor: what it asks the editor to run.
TestCase {
    id: testCase
    name: "DiscoverPanel"
    width: 420
    height: 500
    when: windowShown
    visible: true

    QtObject {
        id: fakeEditor
        property int numLayers: 10
        property bool ready: true
        property bool discovering: false
        property real discoverProgress: 0
        property real previewStrength: 5
        property string candidateMethod: "sefa"
        property var candidates: null
        property var calls: []
        function layerPreset(name) {
            return { all: [0, 9], coarse: [0, 3], middle: [4, 7], fine: [8, 9] }[name]
        }
        function discover(method, first, last, count, samples) {
            calls.push([method, first, last, count, samples])
        }
        function cancelDiscovery() { calls.push(["cancel"]) }
        function requestStrip(index) {}
        function addCandidate(index, name) {}
    }

    Component {
        id: panelComponent
        DiscoverPanel { width: 400; height: 480; editor: fakeEditor }
    }

    function init() {
        fakeEditor.calls = []
        fakeEditor.discovering = false
        fakeEditor.previewStrength = 5
    }

    function test_sefa_over_the_chosen_preset() {
        const panel = createTemporaryObject(panelComponent, testCase)
        waitForRendering(panel)
        const picker = findChild(panel, "discoverLayers")
        picker.chosen(4, 7)  // as choosing "Middle" does
        mouseClick(findChild(panel, "discoverButton"))
        compare(fakeEditor.calls.length, 1)
        compare(fakeEditor.calls[0][0], "sefa")
        compare(fakeEditor.calls[0][1], 4)
        compare(fakeEditor.calls[0][2], 7)
        compare(fakeEditor.calls[0][3], 10)
        compare(picker.currentPreset, "middle")
    }

    function test_pca_takes_the_sample_count_and_sets_sigma_units() {
        const panel = createTemporaryObject(panelComponent, testCase)
        waitForRendering(panel)
        const method = findChild(panel, "methodBox")
        method.currentIndex = 1
        method.activated(1)
        verify(!panel.sefa)
        compare(fakeEditor.previewStrength, 2, "PCA previews at ±2 sigma")
        verify(findChild(panel, "samplesBox").visible)
        findChild(panel, "samplesBox").value = 5000
        mouseClick(findChild(panel, "discoverButton"))
        compare(fakeEditor.calls[0][0], "pca")
        compare(fakeEditor.calls[0][4], 5000)
    }

    function test_the_button_cancels_a_running_discovery() {
        const panel = createTemporaryObject(panelComponent, testCase)
        fakeEditor.discovering = true
        waitForRendering(panel)
        const button = findChild(panel, "discoverButton")
        compare(button.text, "Cancel")
        mouseClick(button)
        compare(fakeEditor.calls.length, 1)
        compare(fakeEditor.calls[0][0], "cancel")
    }
}
