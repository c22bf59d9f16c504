import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LatentStudio

// Discover directions on the loaded model: SeFa over a layer range, or GANSpace's PCA of
// sampled codes. Runs on the inference worker (the editor stays live; PCA can be cancelled);
// each candidate shows a preview strip and can be named and added to the edits.
Pane {
    id: root
    property var editor
    property int firstLayer: 0
    property int lastLayer: -1
    readonly property bool sefa: methodBox.currentIndex === 0
    signal added()
    padding: 0

    function discover() {
        root.editor.discover(sefa ? "sefa" : "pca", firstLayer, lastLayer, countBox.value,
                             samplesBox.value)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 6
        GridLayout {
            Layout.fillWidth: true
            columns: 2
            Label { text: qsTr("Method") }
            ComboBox {
                id: methodBox
                objectName: "methodBox"
                Layout.fillWidth: true
                model: [qsTr("SeFa (closed form)"), qsTr("GANSpace (PCA)")]
                // The preview strength's unit changes: the direction's or the component's sigma.
                onActivated: root.editor.previewStrength = currentIndex === 0 ? 5 : 2
            }
            Label { text: qsTr("Layers"); visible: root.sefa }
            LayerRangePicker {
                objectName: "discoverLayers"
                visible: root.sefa
                Layout.fillWidth: true
                numLayers: root.editor.numLayers
                firstLayer: root.firstLayer
                lastLayer: root.lastLayer
                presetProvider: function(n) { return root.editor.layerPreset(n) }
                onChosen: function(first, last) { root.firstLayer = first; root.lastLayer = last }
            }
            Label { text: qsTr("Samples"); visible: !root.sefa }
            SpinBox {
                id: samplesBox
                objectName: "samplesBox"
                visible: !root.sefa
                from: 100; to: 1000000; stepSize: 1000
                value: 10000
                editable: true
                Layout.fillWidth: true
            }
            Label { text: qsTr("Directions") }
            SpinBox {
                id: countBox
                objectName: "countBox"
                from: 1; to: 50
                value: 10
                editable: true
                Layout.fillWidth: true
            }
            Label { text: root.sefa ? qsTr("Preview ±") : qsTr("Preview ± σ") }
            SpinBox {
                id: strengthBox
                objectName: "strengthBox"
                from: 1; to: 200
                value: Math.round(root.editor.previewStrength * 10)
                stepSize: 5
                editable: true
                Layout.fillWidth: true
                validator: DoubleValidator { bottom: 0.1; top: 20 }
                textFromValue: function(value, locale) { return Number(value / 10).toLocaleString(locale, 'f', 1) }
                valueFromText: function(text, locale) { return Math.round(Number.fromLocaleString(locale, text) * 10) }
                onValueModified: root.editor.previewStrength = value / 10
                ToolTip.visible: hovered
                ToolTip.text: qsTr("The strips show -s, -s/2, 0, +s/2, +s; an added slider spans ±s")
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Button {
                objectName: "discoverButton"
                text: root.editor.discovering ? qsTr("Cancel") : qsTr("Discover")
                enabled: root.editor.ready
                highlighted: !root.editor.discovering
                onClicked: root.editor.discovering ? root.editor.cancelDiscovery() : root.discover()
            }
            ProgressBar {
                Layout.fillWidth: true
                visible: root.editor.discovering
                value: root.editor.discoverProgress
                indeterminate: root.editor.discoverProgress <= 0
            }
            Item { Layout.fillWidth: true; visible: !root.editor.discovering }
        }
        Label {
            visible: candidateList.count === 0
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            opacity: 0.7
            text: qsTr("SeFa finds the directions that change the chosen layers the most, from "
                       + "the weights alone; GANSpace the main axes of many sampled codes. "
                       + "Each candidate shows the current image moved along it.")
        }
        BarChart {
            objectName: "spectrumChart"
            visible: values.length > 0
            Layout.fillWidth: true
            Layout.preferredHeight: 60
            values: root.editor.discoverSpectrum
            highlightCount: candidateList.count
            title: root.editor.candidateMethod === "sefa" ? qsTr("Eigenvalues: ") : qsTr("Variances: ")
        }
        ListView {
            id: candidateList
            objectName: "candidateList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 4
            cacheBuffer: 0  // rows (and their strips) are made as they scroll into view
            model: root.editor.candidates
            ScrollBar.vertical: ScrollBar {}
            delegate: CandidateRow {
                required property int index
                required property var model
                width: ListView.view.width - 12
                number: model.number
                method: root.editor.candidateMethod
                rangeLabel: model.rangeLabel
                detail: model.detail
                hasStrip: model.hasStrip
                stripStale: model.stripStale
                stripRequest: model.stripRequest
                strip: model.strip
                onStripWanted: root.editor.requestStrip(index)
                onAddRequested: function(name) { root.editor.addCandidate(index, name); root.added() }
            }
        }
    }
}
