// latent-studio: the desktop editor. Everything lives in the latent_ui library.
#include "application.h"

int main(int argc, char** argv) {
    return ls::ui::run_application(argc, argv);
}
