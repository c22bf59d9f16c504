import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A photo's workflow in the side panel: the crop box (re-detect, centred square), the
// inversion (preset, W or W+, progress with the step and the loss, Cancel), and the
// inpainting tools (brush, eraser, size, soft edge, opacity, Fill).
GroupBox {
    id: root
    property var editor
    property var canvasView  // the brush settings live on the canvas
    title: qsTr("Photo")

    // Once inverted the panel keeps to what editing needs (so that the edit list keeps its
    // room); "Details" shows the inversion's settings and its loss chart again.
    readonly property bool detailed: root.editor.photoStage === "crop" || detailsButton.checked

    ColumnLayout {
        anchors.fill: parent
        spacing: 4
        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                elide: Text.ElideMiddle
                font.bold: true
                text: root.editor.photoName + (root.editor.photoSize.width > 0
                      ? qsTr("  %1 × %2").arg(root.editor.photoSize.width).arg(root.editor.photoSize.height) : "")
            }
            ToolButton {
                id: detailsButton
                objectName: "photoDetailsButton"
                visible: root.editor.photoStage === "edit"
                checkable: true
                focusPolicy: Qt.TabFocus
                text: checked ? qsTr("Less") : qsTr("Details")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("The inversion's settings and its loss per step")
            }
        }
        Label {
            objectName: "photoNote"
            visible: text !== ""
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: "#b86e00"
            text: root.editor.photoNote
        }
        // The crop box, before inverting.
        RowLayout {
            visible: root.editor.photoStage === "crop"
            Button { text: qsTr("Detect Face"); enabled: !root.editor.photoBusy; onClicked: root.editor.redetectFace() }
            Button { text: qsTr("Centred Square"); onClicked: root.editor.centreCrop() }
        }
        Label {
            visible: root.editor.photoStage === "crop"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            opacity: 0.7
            text: qsTr("Drag inside the box to move it, a corner to resize it.")
        }
        RowLayout {
            visible: root.detailed
            Label { text: qsTr("Inversion") }
            ComboBox {
                id: presetBox
                objectName: "presetBox"
                model: ["fast", "balanced", "best"]
                currentIndex: Math.max(0, model.indexOf(root.editor.invertPreset))
                onActivated: root.editor.invertPreset = currentText
                ToolTip.visible: hovered
                ToolTip.text: qsTr("fast: 20 steps, balanced: 50, best: 200")
            }
            ComboBox {
                model: ["W+", "W"]
                currentIndex: root.editor.invertWPlus ? 0 : 1
                onActivated: root.editor.invertWPlus = currentIndex === 0
                ToolTip.visible: hovered
                ToolTip.text: qsTr("W+: one code per layer (closer); W: one code for all (more editable)")
            }
        }
        RowLayout {
            visible: !root.editor.inverting
            Button {
                objectName: "invertButton"
                text: root.editor.photoStage === "crop" ? qsTr("Invert") : qsTr("Invert Again")
                highlighted: root.editor.photoStage === "crop"
                enabled: !root.editor.photoBusy
                onClicked: root.editor.invertPhoto()
            }
            Button { visible: root.editor.photoStage === "edit"; text: qsTr("Adjust Crop…"); onClicked: root.editor.adjustCrop() }
        }
        // A running inversion: progress, step, loss, Cancel (keeps the best code so far).
        ColumnLayout {
            visible: root.editor.inverting
            Layout.fillWidth: true
            ProgressBar {
                objectName: "invertProgress"
                Layout.fillWidth: true
                from: 0; to: Math.max(1, root.editor.invertSteps)
                value: root.editor.invertStep
            }
            RowLayout {
                Label {
                    objectName: "invertStatus"
                    Layout.fillWidth: true
                    font.family: "monospace"
                    text: (root.editor.invertIsFill ? qsTr("Fill") : qsTr("Invert"))
                          + qsTr(" · step %1 of %2 · loss %3").arg(root.editor.invertStep)
                            .arg(root.editor.invertSteps).arg(root.editor.invertLoss.toFixed(4))
                }
                Button { objectName: "cancelInvert"; text: qsTr("Cancel (Esc)"); onClicked: root.editor.cancelJob() }
            }
        }
        // The loss per step of the running (or last) inversion, on a log scale: it shows
        // whether more steps would still help.
        LineChart {
            objectName: "lossChart"
            visible: root.editor.invertLosses.length > 1 && (root.editor.inverting || root.detailed)
            Layout.fillWidth: true
            Layout.preferredHeight: 80
            values: root.editor.invertLosses
            secondValues: root.editor.invertBestLosses
            logScale: true
            title: qsTr("Loss per step (log scale); orange: the best so far")
        }
        // Inpainting, on the crop.
        ColumnLayout {
            visible: root.editor.photoStage === "edit"
            Layout.fillWidth: true
            spacing: 2
            RowLayout {
                ToolButton {
                    objectName: "brushButton"
                    text: qsTr("Brush (B)")
                    checked: root.canvasView.tool === "brush"
                    onClicked: root.canvasView.tool = root.canvasView.tool === "brush" ? "" : "brush"
                }
                ToolButton {
                    objectName: "eraserButton"
                    text: qsTr("Eraser (E)")
                    checked: root.canvasView.tool === "eraser"
                    onClicked: root.canvasView.tool = root.canvasView.tool === "eraser" ? "" : "eraser"
                }
                Button {
                    objectName: "fillButton"
                    text: qsTr("Fill")
                    enabled: root.editor.hasMask && !root.editor.inverting
                    onClicked: root.editor.fillMask()
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Invert with the painted region unknown: the model fills it")
                }
                Button { text: qsTr("Clear"); enabled: root.editor.hasMask; onClicked: root.editor.clearMask() }
            }
            // The brush's settings while a brush or the eraser is in hand.
            GridLayout {
                visible: root.canvasView.tool !== ""
                columns: 3
                Label { text: qsTr("Size [ ]") }
                Slider { Layout.fillWidth: true; from: 1; to: Math.max(8, root.editor.resolution / 2); value: root.canvasView.brushSize; onMoved: root.canvasView.brushSize = value }
                Label { text: root.canvasView.brushSize.toFixed(0); font.family: "monospace" }
                Label { text: qsTr("Hardness") }
                Slider { Layout.fillWidth: true; from: 0; to: 1; value: root.canvasView.brushHardness; onMoved: root.canvasView.brushHardness = value }
                Label { text: root.canvasView.brushHardness.toFixed(2); font.family: "monospace" }
                Label { text: qsTr("Opacity") }
                Slider { Layout.fillWidth: true; from: 0.05; to: 1; value: root.canvasView.brushOpacity; onMoved: root.canvasView.brushOpacity = value }
                Label { text: root.canvasView.brushOpacity.toFixed(2); font.family: "monospace" }
            }
        }
    }
}
