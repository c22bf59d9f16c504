import QtQuick

// A bar chart of a descending spectrum (SeFa's eigenvalues, PCA's variances): the first
// `maxBars` values as bars, the first `highlightCount` (the candidates found) in colour, and
// the share of the whole spectrum that those hold, which says how many directions matter.
Item {
    id: root
    property var values: []
    property int highlightCount: 0
    property int maxBars: 48
    property string title: ""
    property color color: "#3d7fd9"
    property color textColor: palette.windowText
    readonly property int shown: Math.min(values.length, maxBars)
    readonly property real total: values.reduce((a, v) => a + Math.max(0, v), 0)
    readonly property real highlightShare: {
        let s = 0
        for (let i = 0; i < Math.min(highlightCount, values.length); ++i) s += Math.max(0, values[i])
        return total > 0 ? s / total : 0
    }
    readonly property real maxValue: values.reduce((a, v) => Math.max(a, v), 0)
    readonly property real plotTop: 16
    readonly property real plotHeight: Math.max(1, height - plotTop - 2)
    readonly property real slot: shown > 0 ? width / shown : 0
    function barHeight(i) { return maxValue > 0 ? Math.max(0, values[i]) / maxValue * plotHeight : 0 }

    Text {
        objectName: "shareLabel"
        width: root.width
        elide: Text.ElideRight
        font.pixelSize: 11
        color: root.textColor
        text: root.title + (root.highlightCount > 0 && root.total > 0
              ? qsTr("the first %1 of %2 hold %3 %").arg(Math.min(root.highlightCount, root.values.length))
                    .arg(root.values.length).arg((root.highlightShare * 100).toFixed(1))
              : "")
    }
    Repeater {
        objectName: "bars"
        model: root.shown
        Rectangle {
            required property int index
            x: index * root.slot + root.slot * 0.1
            width: Math.max(1, root.slot * 0.8)
            height: root.barHeight(index)
            y: root.plotTop + root.plotHeight - height
            color: index < root.highlightCount ? root.color : Qt.rgba(0.5, 0.5, 0.5, 0.6)
        }
    }
}
