import QtQuick
import QtQuick.Controls

// A menu as wide as its widest entry with its shortcut (Qt 6.4 gives menus a fixed width and
// cuts longer entries off).
Menu {
    id: menu
    width: {
        let w = 160
        for (let i = 0; i < count; ++i) {
            const entry = itemAt(i)
            if (entry) w = Math.max(w, entry.implicitWidth)
        }
        return w + leftPadding + rightPadding
    }
}
