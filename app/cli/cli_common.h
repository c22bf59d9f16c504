// What the commands of latent-studio-cli share: exit codes, errors, finding the model,
// reading codes.
#pragma once

#include <ATen/ATen.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/model.h"

namespace ls::cli {

enum ExitCode { kOk = 0, kUsage = 2, kBadInput = 3 };

// A problem with what the user gave (a file of the wrong shape, an option out of range):
// reported as one line, exit code 3.
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A command line that asks for nothing sensible (exit code 2).
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The model named on the command line, or the embedded default model when `path` is empty.
Model open_model(const std::string& path, const std::string& device);

// A float32 .npy as a tensor; its shape is checked by the caller.
at::Tensor read_npy_tensor(const std::string& path);
// A batch from a .npy: [N, item...] with N >= 1, or one [item...] made [1, item...]. Anything
// else is an InputError naming the file, its shape and the shape of `what` this model takes.
at::Tensor read_batch(const std::string& path, const std::vector<int64_t>& item,
                      const std::string& what);
std::string shape_string(at::IntArrayRef shape);

// Seeds from "7", "1..16", "1,5,9" or a mix ("1..4,9").
std::vector<uint64_t> parse_seeds(const std::string& text);

// The command line this process was started with, for the provenance of files it writes.
std::string invoked_command_line();

// Checks before any work that an output file can be written later: its folder exists.
void check_output_path(const std::string& path);

}  // namespace ls::cli
