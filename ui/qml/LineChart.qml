import QtQuick
import QtQuick.Shapes

// A small line chart of one or two series over their index (the inversion's loss and best
// loss per step), on a linear or logarithmic y axis. xFor/yFor map a point to the plot (tests
// check them by hand); the lines are polylines of those points.
Item {
    id: root
    property var values: []        // the first series
    property var secondValues: []  // optional, drawn thinner
    property color color: "#3d7fd9"
    property color secondColor: "#d98c3d"
    property bool logScale: false
    property string title: ""
    property color textColor: palette.windowText
    readonly property real plotLeft: 46
    readonly property real plotTop: title === "" ? 4 : 18
    readonly property real plotWidth: Math.max(1, width - plotLeft - 4)
    readonly property real plotHeight: Math.max(1, height - plotTop - 14)
    readonly property int count: Math.max(values.length, secondValues.length)

    function axisValue(v) { return logScale ? Math.log(Math.max(v, 1e-12)) : v }
    // The y range covers both series; a flat series sits in the middle.
    readonly property real yMin: {
        let m = Infinity
        for (const v of values) m = Math.min(m, axisValue(v))
        for (const v of secondValues) m = Math.min(m, axisValue(v))
        return m
    }
    readonly property real yMax: {
        let m = -Infinity
        for (const v of values) m = Math.max(m, axisValue(v))
        for (const v of secondValues) m = Math.max(m, axisValue(v))
        return m
    }
    function xFor(i) { return plotLeft + (count > 1 ? i / (count - 1) : 0.5) * plotWidth }
    function yFor(v) {
        const span = yMax - yMin
        const t = span > 0 ? (axisValue(v) - yMin) / span : 0.5
        return plotTop + (1 - t) * plotHeight
    }
    function points(series) {
        const out = []
        for (let i = 0; i < series.length; ++i) out.push(Qt.point(xFor(i), yFor(series[i])))
        return out
    }
    function label(axis) { return Number(logScale ? Math.exp(axis) : axis).toPrecision(3) }

    Text {
        visible: root.title !== ""
        x: root.plotLeft
        text: root.title
        color: root.textColor
        font.pixelSize: 11
    }
    Rectangle {  // the plot's frame
        x: root.plotLeft; y: root.plotTop
        width: root.plotWidth; height: root.plotHeight
        color: "transparent"
        border.color: Qt.rgba(0.5, 0.5, 0.5, 0.5)
    }
    Text {
        objectName: "yMaxLabel"
        visible: root.count > 0
        x: root.plotLeft - width - 4
        y: root.plotTop - 2
        text: root.label(root.yMax)
        color: root.textColor
        font.pixelSize: 10
    }
    Text {
        objectName: "yMinLabel"
        visible: root.count > 0
        x: root.plotLeft - width - 4
        y: root.plotTop + root.plotHeight - height + 2
        text: root.label(root.yMin)
        color: root.textColor
        font.pixelSize: 10
    }
    Text {
        visible: root.count > 1
        x: root.plotLeft + root.plotWidth - width
        y: root.plotTop + root.plotHeight
        text: root.count
        color: root.textColor
        font.pixelSize: 10
    }
    Shape {
        anchors.fill: parent
        // Multisampled in its own layer: smooth lines without multisampling the window.
        layer.enabled: true
        layer.samples: 4
        ShapePath {
            strokeColor: root.secondValues.length > 1 ? root.secondColor : "transparent"
            strokeWidth: 1
            fillColor: "transparent"
            PathPolyline { path: root.points(root.secondValues) }
        }
        ShapePath {
            strokeColor: root.values.length > 1 ? root.color : "transparent"
            strokeWidth: 2
            fillColor: "transparent"
            PathPolyline { path: root.points(root.values) }
        }
    }
}
