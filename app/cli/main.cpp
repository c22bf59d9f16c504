// latent-studio-cli: see `latent-studio-cli --help` and DESIGN.md's command-line contract.
#include "commands.h"

int main(int argc, char** argv) {
    return ls::cli::run_cli(argc, argv);
}
