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
    // Every entry leaves the check box's column free, so that checkable and plain entries line
    // up and a check box never covers its text.
    contentItem: RowLayout {
        spacing: 0
        Item { implicitWidth: item.indicator ? item.indicator.width + 6 : 0 }
        Label {
            Layout.fillWidth: true
            text: item.plainText
            color: item.enabled ? palette.windowText : palette.mid
            elide: Text.ElideNone
        }
        Item { implicitWidth: 24 }
        Label {
            objectName: "shortcutLabel"
            visible: item.shortcutText !== ""
            text: item.shortcutText
            opacity: item.enabled ? 0.6 : 0.4
            color: palette.windowText
        }
    }
}
