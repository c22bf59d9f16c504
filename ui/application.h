// Starting the editor: the Qt application, the QML engine and the main window.
#pragma once

namespace ls::ui {

int run_application(int argc, char** argv);

}  // namespace ls::ui
