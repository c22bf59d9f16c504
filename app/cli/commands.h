// The subcommands of latent-studio-cli. Each registers its options on the CLI11 app and
// returns the function that runs it (returning the exit code).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <map>

namespace ls::cli {

using Runner = std::function<int()>;

Runner add_info(CLI::App& app);
Runner add_generate(CLI::App& app);
Runner add_discriminate(CLI::App& app);
Runner add_bench(CLI::App& app);
Runner add_directions(CLI::App& app);
Runner add_edit(CLI::App& app);
Runner add_grid(CLI::App& app);
Runner add_bench_edit(CLI::App& app);
Runner add_dataset(CLI::App& app);
Runner add_train(CLI::App& app);
Runner add_export(CLI::App& app);
Runner add_bench_invert(CLI::App& app);
Runner add_invert(CLI::App& app);
Runner add_inpaint(CLI::App& app);
Runner add_paste_back(CLI::App& app);
Runner add_batch(CLI::App& app);
#ifdef LATENT_STUDIO_HAVE_STORE
Runner add_models(CLI::App& app);
#endif
// `train classifier` and `train encoder`, added to the `train` command's subcommands.
void add_train_networks(CLI::App& train, std::map<CLI::App*, Runner>& runners);

// Parses argv, runs the chosen command, maps errors to exit codes and one stderr line.
int run_cli(int argc, char** argv);

}  // namespace ls::cli
