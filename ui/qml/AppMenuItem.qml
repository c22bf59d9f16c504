import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A menu entry that shows its action's shortcut on the right, as desktop menus do (Qt 6.4's
// MenuItem shows none).
MenuItem {
    id: item
    objectName: action ? "menuItem:" + plainText : ""
    // "&Save Session" -> "Save Session" (a "&&" stays one "&").
    readonly property string plainText: text.replace(/&&/g, "\u0001").replace(/&/g, "").replace(/\u0001/g, "&")
    readonly property string shortcutText: action && action.shortcut ? String(action.shortcut) : ""
    readonly property real indicatorPadding: checkable && indicator ? indicator.width + spacing : 0
    contentItem: RowLayout {
        spacing: 24
        Item { implicitWidth: item.indicatorPadding }
        Label {
            Layout.fillWidth: true
            text: item.plainText
            color: item.enabled ? palette.windowText : palette.mid
            elide: Text.ElideNone
        }
        Label {
            objectName: "shortcutLabel"
            visible: item.shortcutText !== ""
            text: item.shortcutText
            opacity: item.enabled ? 0.6 : 0.4
            color: palette.windowText
        }
    }
}
