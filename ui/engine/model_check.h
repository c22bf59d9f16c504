// The trial load of a model file before the model manager installs it, for code that must not
// see LibTorch (the model manager is compiled by moc; the engine's headers are not).
#pragma once

#include <string>

namespace ls::ui {

// Loads `path` (a .pt/.pth/.pkl/.safetensors or a model folder) on the CPU and throws a
// std::exception with a readable message when it is not a model the engine can use.
void trial_load_model(const std::string& path);

}  // namespace ls::ui
