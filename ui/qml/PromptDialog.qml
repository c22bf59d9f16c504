import QtQuick
import QtQuick.Controls

// A modal question with standard buttons that the keyboard can answer as well as the mouse:
// it takes the keyboard when it opens, Enter gives the accepting button's answer, Escape
// closes it. (Controls' Dialog alone leaves the keyboard where it was, and a modal popup
// blocks the window's shortcuts, so that the window answered no key at all.)
Dialog {
    id: root
    property alias text: message.text
    modal: true
    focus: true
    Label {
        id: message
        focus: true
        Keys.onReturnPressed: root.accept()
        Keys.onEnterPressed: root.accept()
    }
}
