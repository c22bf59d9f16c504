// The model to use when none is named: the embedded default model when it is installed,
// else an untrained placeholder network (so that every command and the editor still work).
#pragma once

#include <optional>
#include <string>

#include "model/model.h"

namespace ls {

// $LATENT_STUDIO_MODEL ("placeholder": none), or models/default/manifest.json under ../share/latent-studio relative to
// the executable or in the source tree.
std::optional<std::string> default_model_path();

// Loads `path`, or the default model when it is empty. `*note` (when given) receives a line
// for the user when the placeholder is used.
Model open_model_or_default(const std::string& path, const at::Device& device,
                            std::string* note = nullptr);

}  // namespace ls
