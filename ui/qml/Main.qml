import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LatentStudio

// The editor's main window: the canvas in the middle, the model, truncation and edit list on
// the right, a status bar below; menus and shortcuts as photo editors have them.
ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1200
    height: 780
    visible: true
    title: (editor.sessionUrl.toString() !== "" ? fileName(editor.sessionUrl) : qsTr("Untitled"))
           + (editor.dirty ? " *" : "") + " — Latent Studio"

    property bool darkTheme: false
    property int jpegQuality: 92
    palette {
        window: darkTheme ? "#2b2b2b" : "#efefef"
        windowText: darkTheme ? "#e6e6e6" : "#1a1a1a"
        base: darkTheme ? "#1e1e1e" : "#ffffff"
        text: darkTheme ? "#e6e6e6" : "#1a1a1a"
        button: darkTheme ? "#3a3a3a" : "#e4e4e4"
        buttonText: darkTheme ? "#e6e6e6" : "#1a1a1a"
        highlight: "#3d7fd9"
    }

    // The name an export proposes: the photo's with "-edited", the seed's, or "untitled".
    function exportName() {
        if (editor.hasPhoto && editor.photoName !== "") return editor.photoName.replace(/\.[^.]*$/, "") + "-edited.png"
        return editor.seed >= 0 ? "seed" + editor.seed + ".png" : qsTr("untitled.png")
    }
    function fileName(url) { const s = url.toString(); return s.substring(s.lastIndexOf("/") + 1) }

    EditorController {
        id: editor
        objectName: "editor"
        onErrorOccurred: function(message) { errorPopup.show(message) }
    }

    // ---- actions (menus, toolbar and shortcuts share them)
    Action { id: undoAction; text: qsTr("&Undo %1").arg(editor.undoText); enabled: editor.canUndo; shortcut: "Ctrl+Z"; onTriggered: editor.undo() }
    Action { id: redoAction; text: qsTr("&Redo %1").arg(editor.redoText); enabled: editor.canRedo; shortcut: "Ctrl+Shift+Z"; onTriggered: editor.redo() }
    Shortcut { sequence: "Ctrl+Y"; onActivated: editor.redo() }
    Action { id: saveAction; text: qsTr("&Save Session"); shortcut: "Ctrl+S"; onTriggered: save() }
    Action { id: saveAsAction; text: qsTr("Save Session &As…"); shortcut: "Ctrl+Shift+S"; onTriggered: saveDialog.open() }
    Action { id: openSessionAction; text: qsTr("&Open Session…"); shortcut: "Ctrl+O"; onTriggered: openSessionDialog.open() }
    Action { id: openCodeAction; text: qsTr("Open &Code, w or W+ (.npy)…"); onTriggered: openCodeDialog.open() }
    Action { id: openZAction; text: qsTr("Open &z Code (.npy)…"); onTriggered: openZDialog.open() }
    Action { id: openPhotoAction; text: qsTr("Open &Photo…"); shortcut: "Ctrl+Shift+O"; onTriggered: openPhotoDialog.open() }
    // With no photo open, Invert says so and offers the photo dialog (instead of nothing).
    Action {
        id: invertAction
        text: qsTr("&Invert Photo")
        shortcut: "Ctrl+I"
        enabled: !editor.inverting
        onTriggered: {
            if (editor.hasPhoto) { editor.invertPhoto(); return }
            errorPopup.show(qsTr("Invert needs a photo: choose one to open"))
            openPhotoDialog.open()
        }
    }
    Action { id: fillAction; text: qsTr("&Fill Painted Region"); shortcut: "Ctrl+Shift+F"; enabled: editor.hasMask && !editor.inverting; onTriggered: editor.fillMask() }
    // B and E toggle the tool (bound, not checkable: the canvas's tool is the one truth).
    Action { id: brushAction; text: qsTr("&Brush"); shortcut: "B"; checked: canvasView.tool === "brush"; enabled: editor.photoStage === "edit"; onTriggered: canvasView.tool = canvasView.tool === "brush" ? "" : "brush" }
    Action { id: eraserAction; text: qsTr("&Eraser"); shortcut: "E"; checked: canvasView.tool === "eraser"; enabled: editor.photoStage === "edit"; onTriggered: canvasView.tool = canvasView.tool === "eraser" ? "" : "eraser" }
    Shortcut { sequence: "["; onActivated: canvasView.shrinkBrush() }
    Shortcut { sequence: "]"; onActivated: canvasView.growBrush() }
    Shortcut { sequence: "Escape"; enabled: editor.inverting || editor.discovering; onActivated: editor.cancelJob() }
    Action { id: openModelAction; text: qsTr("Open &Model…"); shortcut: "Ctrl+M"; onTriggered: openModelDialog.open() }
    Action { id: modelsAction; text: qsTr("Mo&dels…"); shortcut: "Ctrl+Shift+M"; onTriggered: modelManager.open() }
    Action { id: addDirectionAction; text: qsTr("Add &Direction (.npy)…"); shortcut: "Ctrl+D"; onTriggered: addDirectionDialog.open() }
    Action { id: exportAction; text: qsTr("&Export Image…"); shortcut: "Ctrl+E"; enabled: !editor.exporting; onTriggered: exportDialog.open() }
    Action { id: sampleAction; text: qsTr("New &Random Sample"); shortcut: "R"; onTriggered: editor.randomSample() }
    Action { id: fitAction; text: qsTr("&Fit"); shortcut: "Ctrl+0"; onTriggered: canvasView.fit() }
    Action { id: actualAction; text: qsTr("&100 %"); shortcut: "Ctrl+1"; onTriggered: canvasView.actualSize() }
    Action { id: splitAction; text: qsTr("&Split Before/After"); checkable: true; shortcut: "Ctrl+\\"; onToggled: canvasView.splitView = checked }
    Action { id: discoverAction; text: qsTr("&Discover Directions…"); shortcut: "Ctrl+Shift+D"; onTriggered: rightTabs.currentIndex = 1 }
    Action { id: libraryAction; text: qsTr("Direction &Library"); shortcut: "Ctrl+Shift+L"; onTriggered: rightTabs.currentIndex = 2 }
    Action { id: attributesAction; text: qsTr("&Attribute Scores"); checkable: true; checked: attributesToggle.checked; shortcut: "Ctrl+Shift+A"; onTriggered: attributesToggle.checked = !attributesToggle.checked }
    Action { id: closePhotoAction; text: qsTr("&Close Photo"); shortcut: "Ctrl+W"; enabled: editor.hasPhoto && !editor.inverting; onTriggered: editor.closePhoto() }
    // The painted mask over the crop: hidden after a Fill (to see the result), shown again to paint.
    property bool showMask: true
    Action { id: showMaskAction; text: qsTr("Show &Mask"); checkable: true; checked: window.showMask; shortcut: "M"; enabled: editor.hasPhoto; onTriggered: window.showMask = !window.showMask }
    Action { id: saveToLibraryAction; text: qsTr("Save Edit to &Library…"); shortcut: "Ctrl+L"; enabled: editList.currentIndex >= 0; onTriggered: { rightTabs.currentIndex = 2; libraryPanel.saveSelected() } }
    Action {
        id: compareAction
        objectName: "compareAction"
        text: qsTr("&Compare Layers × Strengths")
        checkable: true
        checked: editor.compareActive
        shortcut: "Ctrl+G"
        enabled: editList.count > 0
        onToggled: {
            // No row selected: the last one is, visibly, so that the banner names what it shows.
            if (editList.currentIndex < 0) editList.currentIndex = editList.count - 1
            editor.compareRow = editList.currentIndex
            editor.compareActive = checked
        }
    }
    Action { id: exportGridAction; text: qsTr("Export &Grid…"); shortcut: "Ctrl+Shift+E"; enabled: editor.compareActive; onTriggered: exportGridDialog.open() }
    Action { id: darkAction; text: qsTr("&Dark Theme"); checkable: true; onToggled: window.darkTheme = checked }
    Action { id: prefsAction; text: qsTr("&Preferences…"); shortcut: "Ctrl+,"; onTriggered: prefs.open() }
    Action { id: quitAction; text: qsTr("&Quit"); shortcut: "Ctrl+Q"; onTriggered: window.close() }

    // Closing with unsaved changes asks first (the autosave only covers crashes).
    property bool closeConfirmed: false
    onClosing: function(close) {
        if (editor.dirty && !closeConfirmed) {
            close.accepted = false
            closeDialog.open()
        }
    }

    function save() {
        if (editor.sessionUrl.toString() === "") saveDialog.open()
        else editor.saveSession(editor.sessionUrl)
    }

    menuBar: MenuBar {
        AppMenu {
            title: qsTr("&File")
            AppMenuItem { action: openPhotoAction }
            AppMenuItem { action: openSessionAction }
            AppMenuItem { action: openCodeAction }
            AppMenuItem { action: openZAction }
            AppMenuItem { action: closePhotoAction }
            AppMenuItem { action: openModelAction }
            AppMenuItem { action: modelsAction }
            MenuSeparator {}
            AppMenuItem { action: saveAction }
            AppMenuItem { action: saveAsAction }
            AppMenuItem { action: exportAction }
            AppMenuItem { action: exportGridAction }
            MenuSeparator {}
            AppMenuItem { action: prefsAction }
            AppMenuItem { action: quitAction }
        }
        AppMenu {
            title: qsTr("&Edit")
            AppMenuItem { action: undoAction }
            AppMenuItem { action: redoAction }
            MenuSeparator {}
            AppMenuItem { action: sampleAction }
            AppMenuItem { action: addDirectionAction }
            AppMenuItem { action: saveToLibraryAction }
            MenuSeparator {}
            AppMenuItem { action: invertAction }
            AppMenuItem { action: brushAction }
            AppMenuItem { action: eraserAction }
            AppMenuItem { action: fillAction }
            AppMenuItem { action: showMaskAction }
        }
        AppMenu {
            title: qsTr("&View")
            AppMenuItem { action: fitAction }
            AppMenuItem { action: actualAction }
            AppMenuItem { action: splitAction }
            AppMenuItem { action: compareAction }
            MenuSeparator {}
            AppMenuItem { action: discoverAction }
            AppMenuItem { action: libraryAction }
            AppMenuItem { action: attributesAction }
            MenuSeparator {}
            AppMenuItem { action: darkAction }
        }
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            ToolButton { action: undoAction; text: qsTr("Undo"); ToolTip.visible: hovered; ToolTip.text: undoAction.text }
            ToolButton { action: redoAction; text: qsTr("Redo"); ToolTip.visible: hovered; ToolTip.text: redoAction.text }
            ToolSeparator {}
            Label { text: qsTr("Seed") }
            SpinBox {
                id: seedBox
                objectName: "seedBox"
                // -1: the code is not a seed's (a photo's, or one opened from a file): "—".
                from: -1; to: 2147483647
                editable: true
                value: editor.seed
                // A seed is an identifier, not a quantity: digits only, no thousands separator.
                textFromValue: function(v, locale) { return v < 0 ? "—" : String(v) }
                valueFromText: function(text, locale) {
                    const digits = text.replace(/[^0-9]/g, "")
                    return digits === "" ? -1 : Math.min(2147483647, parseInt(digits, 10))
                }
                validator: RegularExpressionValidator { regularExpression: /[0-9]{0,10}|—/ }
                // A committed seed hands the keyboard back to the canvas, so that R, B, E... work.
                onValueModified: { if (value >= 0) editor.newSample(value); canvasView.forceActiveFocus() }
            }
            ToolButton { action: sampleAction; text: qsTr("Random (R)") }
            ToolSeparator {}
            ToolButton { action: splitAction; text: qsTr("Split") }
            ToolButton { action: compareAction; text: qsTr("Compare"); ToolTip.visible: hovered; ToolTip.text: qsTr("The selected edit by layer range and strength (Ctrl+G)") }
            ToolButton { action: fitAction; text: qsTr("Fit") }
            ToolButton { action: actualAction; text: qsTr("100 %") }
            Item { Layout.fillWidth: true }
            ToolButton { action: exportAction; text: qsTr("Export…") }
        }
    }

    SplitView {
        anchors.fill: parent
        CanvasView {
            id: canvasView
            objectName: "canvasView"
            SplitView.fillWidth: true
            // The compare view shows the grid in place of the image (no before/after there); a
            // photo shows whole with its crop box until it is inverted, then its crop.
            readonly property bool showGrid: editor.compareActive && editor.hasCompareImage
            readonly property bool showPhoto: !showGrid && editor.photoStage === "crop" && !editor.inverting
            image: showGrid ? editor.compareImage : showPhoto ? editor.photoImage : editor.viewImage
            original: showGrid ? editor.compareImage : showPhoto ? editor.photoImage : editor.viewOriginal
            overlayQuad: showPhoto ? editor.cropQuad : []
            mask: editor.mask
            maskSize: Qt.size(editor.resolution, editor.resolution)
            maskVisible: !showGrid && !showPhoto && editor.hasPhoto && window.showMask
            onMaskPainted: function(mask, tool) { editor.setMask(mask, tool) }
            onToolChanged: if (tool !== "") window.showMask = true  // painting shows what is painted
            onCropMoved: function(dx, dy) { editor.moveCrop(dx, dy) }
            onCropCornerDragged: function(x, y) { editor.dragCropCorner(x, y) }
            // Painting needs the crop on screen; the brush starts at an eighth of the crop.
            Connections {
                target: editor
                function onPhotoChanged() { if (editor.photoStage !== "edit") canvasView.tool = "" }
                // A finished Fill shows its result, not the red mask over it (M shows it again).
                function onInvertChanged() { if (!editor.inverting && editor.invertIsFill) window.showMask = false }
                function onModelChanged() { canvasView.brushSize = Math.max(4, editor.resolution / 8) }
            }
            Rectangle {
                visible: editor.compareActive
                anchors.top: parent.top
                anchors.horizontalCenter: parent.horizontalCenter
                anchors.topMargin: 8
                width: compareLabel.implicitWidth + 24
                height: compareLabel.implicitHeight + 12
                radius: 4
                color: Qt.rgba(0, 0, 0, 0.6)
                RowLayout {
                    id: compareLabel
                    anchors.centerIn: parent
                    WorkingIndicator { running: editor.compareBusy; color: "white" }
                    Label {
                        color: "white"
                        text: qsTr("Compare: %1 — rows: layers, columns: strength · Ctrl+G to leave, Ctrl+Shift+E to export")
                              .arg(editList.currentItem ? editList.currentItem.label : "")
                    }
                }
            }
        }
        Pane {
            SplitView.preferredWidth: 400
            SplitView.minimumWidth: 280
            ColumnLayout {
                anchors.fill: parent
                spacing: 8
                PhotoPanel {
                    id: photoPanel
                    objectName: "photoPanel"
                    visible: editor.hasPhoto || editor.photoBusy
                    Layout.fillWidth: true
                    editor: editor
                    canvasView: canvasView
                }
                GroupBox {
                    title: qsTr("Model")
                    Layout.fillWidth: true
                    RowLayout {
                        anchors.fill: parent
                        ColumnLayout {
                            Layout.fillWidth: true
                            Label { text: editor.ready ? editor.modelName : qsTr("Loading…"); font.bold: true; elide: Text.ElideRight; Layout.fillWidth: true }
                            Label { text: qsTr("%1 px, %2 layers, %3").arg(editor.resolution).arg(editor.numLayers).arg(editor.device); opacity: 0.7 }
                        }
                        Button { objectName: "manageModelsButton"; text: qsTr("Manage…"); onClicked: modelManager.open() }
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    Label { text: qsTr("Truncation") }
                    Slider {
                        id: truncationSlider
                        objectName: "truncationSlider"
                        Layout.fillWidth: true
                        from: 0; to: 1.5
                        value: editor.truncation
                        onMoved: editor.setTruncation(value, false)
                        onPressedChanged: if (!pressed) editor.setTruncation(value, true)
                    }
                    Label { text: editor.truncation.toFixed(2); font.family: "monospace" }
                }
                TabBar {
                    id: rightTabs
                    objectName: "rightTabs"
                    Layout.fillWidth: true
                    TabButton { objectName: "editsTab"; text: qsTr("Edits") }
                    TabButton { objectName: "discoverTab"; text: qsTr("Discover") }
                    TabButton { objectName: "libraryTab"; text: qsTr("Library") }
                }
                // Scoring costs a classifier pass per frame: only while the chart shows.
                Binding { target: editor; property: "scoreAttributes"; value: attributesToggle.checked }
                StackLayout {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    currentIndex: rightTabs.currentIndex
                    ColumnLayout {
                        spacing: 8
                        RowLayout {
                            Label { text: qsTr("Edits"); font.bold: true; Layout.fillWidth: true }
                            Button { action: addDirectionAction; text: qsTr("Add…") }
                        }
                        Label {
                            visible: editList.count === 0
                            Layout.fillWidth: true
                            wrapMode: Text.WordWrap
                            opacity: 0.7
                            text: qsTr("No directions yet. Add a direction (.npy: an InterFaceGAN boundary "
                                       + "or SeFa directions from latent-studio-cli directions), discover "
                                       + "some, or drop one here.")
                        }
                        ListView {
                            id: editList
                            objectName: "editList"
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            clip: true
                            spacing: 4
                            model: editor.edits
                            currentIndex: -1
                            // A newly added direction is selected (the compare view shows it).
                            onCountChanged: if (currentIndex >= count) currentIndex = count - 1
                            onCurrentIndexChanged: editor.compareRow = currentIndex
                            delegate: EditRow {
                                required property int index
                                required property var model
                                name: model.name
                                label: model.label
                                description: model.description
                                lowEnd: model.lowEnd
                                highEnd: model.highEnd
                                strength: model.strength
                                editEnabled: model.editEnabled
                                firstLayer: model.firstLayer
                                lastLayer: model.lastLayer
                                range: model.range
                                width: ListView.view.width
                                numLayers: editor.numLayers
                                selected: ListView.isCurrentItem
                                presetProvider: function(n) { return editor.layerPreset(n) }
                                onSelectRequested: editList.currentIndex = index
                                onSaveRequested: { rightTabs.currentIndex = 2; libraryPanel.saveSelected() }
                                onStrengthMoved: function(value, done) { editor.setStrength(index, value, done) }
                                onResetRequested: editor.resetStrength(index)
                                onEnabledToggled: function(on) { editor.setEditEnabled(index, on) }
                                onLayersChosen: function(first, last) { editor.setLayers(index, first, last) }
                                onRemoveRequested: editor.removeEdit(index)
                            }
                        }
                    }
                    DiscoverPanel {
                        id: discoverPanel
                        objectName: "discoverPanel"
                        editor: editor
                        onAdded: editList.currentIndex = editList.count - 1
                    }
                    LibraryPanel {
                        id: libraryPanel
                        objectName: "libraryPanel"
                        editor: editor
                        selectedRow: editList.currentIndex
                        selectedName: editList.currentItem ? editList.currentItem.name : ""
                    }
                }
                // The attribute scores below any tab, so that they can be watched while a
                // slider moves (Ctrl+Shift+A).
                ToolButton {
                    id: attributesToggle
                    objectName: "attributesToggle"
                    Layout.fillWidth: true
                    checkable: true
                    focusPolicy: Qt.TabFocus
                    text: (checked ? "\u25be " : "\u25b8 ") + qsTr("Attribute scores")
                    contentItem: Label { text: attributesToggle.text; font.bold: true; horizontalAlignment: Text.AlignLeft }
                }
                AttributesPanel {
                    objectName: "attributesPanel"
                    visible: attributesToggle.checked
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.min(260, window.height / 3)
                    editor: editor
                }
            }
        }
    }

    footer: ToolBar {
        RowLayout {
            anchors.fill: parent
            Label { text: editor.device; leftPadding: 8; opacity: 0.8 }
            ToolSeparator {}
            Label { objectName: "renderTime"; text: qsTr("%1 ms").arg(editor.renderMs.toFixed(0)); opacity: 0.8 }
            ToolSeparator {}
            WorkingIndicator { objectName: "exportBusy"; running: editor.exporting }
            Label { objectName: "statusLabel"; text: editor.status; elide: Text.ElideRight; Layout.fillWidth: true }
            Label { text: qsTr("zoom %1 %").arg(Math.round((canvasView.zoom > 0 ? canvasView.zoom : canvasView.canvas.fitZoom) * 100)); rightPadding: 8; opacity: 0.8 }
        }
    }

    DropArea {
        anchors.fill: parent
        onDropped: function(drop) { for (const url of drop.urls) editor.openFile(url) }
    }

    // File dialogs: Qt Widgets' QFileDialog (FileChooser; see ui/dialogs/file_chooser.h).
    FileChooser {
        id: saveDialog
        objectName: "saveSessionDialog"
        property bool closeAfterSave: false
        title: qsTr("Save Session")
        fileMode: FileChooser.SaveFile
        folderKey: "sessions"
        nameFilters: [qsTr("Sessions (*.json)")]
        suggestedName: editor.sessionUrl.toString() !== "" ? fileName(editor.sessionUrl) : qsTr("untitled.json")
        onAccepted: {
            if (editor.saveSession(selectedFile) && closeAfterSave) {
                window.closeConfirmed = true
                window.close()
            }
            closeAfterSave = false
        }
        onRejected: closeAfterSave = false
    }
    FileChooser {
        id: openPhotoDialog
        objectName: "openPhotoDialog"
        title: qsTr("Open Photo")
        folderKey: "photos"
        nameFilters: [qsTr("Photos (*.jpg *.jpeg *.JPG *.JPEG *.png *.PNG *.webp *.tif *.tiff *.bmp)"), qsTr("All files (*)")]
        onAccepted: editor.openPhoto(selectedFile)
    }
    FileChooser { id: openSessionDialog; objectName: "openSessionDialog"; title: qsTr("Open Session"); folderKey: "sessions"; nameFilters: [qsTr("Sessions (*.json)")]; onAccepted: editor.openSession(selectedFile) }
    FileChooser { id: openCodeDialog; objectName: "openCodeDialog"; title: qsTr("Open Code"); folderKey: "codes"; nameFilters: [qsTr("Latent codes (*.npy)")]; onAccepted: editor.openCode(selectedFile) }
    FileChooser { id: openZDialog; objectName: "openZDialog"; title: qsTr("Open z Code"); folderKey: "codes"; nameFilters: [qsTr("z codes (*.npy)")]; onAccepted: editor.openZCode(selectedFile) }
    FileChooser { id: addDirectionDialog; objectName: "addDirectionDialog"; title: qsTr("Add Direction"); folderKey: "directions"; nameFilters: [qsTr("Directions (*.npy)")]; onAccepted: editor.addDirection(selectedFile) }
    FileChooser {
        id: openModelDialog
        objectName: "openModelDialog"
        title: qsTr("Open Model")
        folderKey: "models"
        nameFilters: [qsTr("Models (*.pt *.pth *.pkl *.safetensors manifest.json)")]
        onAccepted: editor.loadModel(selectedFile)
    }
    FileChooser {
        id: exportDialog
        objectName: "exportDialog"
        title: qsTr("Export Image")
        fileMode: FileChooser.SaveFile
        folderKey: "exports"
        nameFilters: [qsTr("PNG (*.png)"), qsTr("JPEG (*.jpg *.jpeg)")]
        suggestedName: exportName()
        onAccepted: editor.exportImage(selectedFile, window.jpegQuality, true)
    }
    FileChooser {
        id: exportGridDialog
        objectName: "exportGridDialog"
        title: qsTr("Export Grid")
        fileMode: FileChooser.SaveFile
        folderKey: "exports"
        nameFilters: [qsTr("PNG (*.png)")]
        suggestedName: qsTr("grid.png")
        onAccepted: editor.exportGrid(selectedFile)
    }
    PreferencesDialog { id: prefs; editor: editor; mainWindow: window; anchors.centerIn: parent }
    ModelStore {
        id: modelStore
        objectName: "modelStore"
        // The manager shows its own failures; a download that fails after it was closed says so here.
        onFailed: function(name, message) { if (!modelManager.visible) errorPopup.show(message) }
    }
    ModelManagerDialog { id: modelManager; objectName: "modelManager"; store: modelStore; editor: editor; anchors.centerIn: parent }

    PromptDialog {
        id: closeDialog
        objectName: "closeDialog"
        title: qsTr("Save changes before closing?")
        anchors.centerIn: parent
        standardButtons: Dialog.Save | Dialog.Discard | Dialog.Cancel
        text: qsTr("The session has changes that are not saved.")
        onAccepted: {
            if (editor.sessionUrl.toString() === "") {
                saveDialog.closeAfterSave = true
                saveDialog.open()
            } else if (editor.saveSession(editor.sessionUrl)) {
                window.closeConfirmed = true
                window.close()
            }
        }
        onDiscarded: { window.closeConfirmed = true; close(); window.close() }
    }

    PromptDialog {
        id: recoveryDialog
        objectName: "recoveryDialog"
        property bool shown: false
        title: qsTr("Restore unsaved work?")
        anchors.centerIn: parent
        standardButtons: Dialog.Yes | Dialog.Discard
        text: qsTr("Latent Studio did not close cleanly last time. Restore the work it autosaved?")
        onAccepted: editor.restoreRecovery()
        onDiscarded: { editor.discardRecovery(); close() }
    }
    Connections {
        target: editor
        function onModelChanged() { if (editor.recoveryAvailable && !recoveryDialog.shown) { recoveryDialog.shown = true; recoveryDialog.open() } }
    }
    Popup {
        id: errorPopup
        objectName: "errorPopup"
        property alias text: errorLabel.text
        function show(message) { text = message; open(); errorTimer.restart() }
        x: (window.width - width) / 2
        y: window.height - height - 60
        padding: 12
        // No close on Escape: a popup that closes on Escape blocks the window's shortcuts while
        // it shows (Qt Quick Controls), and a message must not take the keyboard for 6 s.
        closePolicy: Popup.NoAutoClose
        TapHandler { onTapped: errorPopup.close() }
        background: Rectangle { color: "#b3261e"; radius: 6 }
        Label { id: errorLabel; color: "white"; wrapMode: Text.WordWrap; width: Math.min(implicitWidth, window.width * 0.7) }
        Timer { id: errorTimer; interval: 6000; onTriggered: errorPopup.close() }
    }
}
