#include "engine/model_check.h"

#include "model/model.h"

namespace ls::ui {

void trial_load_model(const std::string& path) {
    // The CPU: a GPU may be busy with the editor's model, and a trial needs no speed.
    load_model(path, at::kCPU);
}

}  // namespace ls::ui
