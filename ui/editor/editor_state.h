// Everything an edit can change, as one value: the undo history stores these, and a session
// file is one of them written out.
#pragma once

#include <QString>

#include <optional>
#include <vector>

#include "edit_list_model.h"

namespace ls::ui {

struct EditorState {
    std::optional<quint64> seed;  // where the code came from, when it was a sample
    QString code_source;          // or the .npy it was opened from
    std::vector<float> base;      // W+ [num_ws * w_dim], before truncation and edits
    double truncation = 1.0;
    std::vector<EditRow> edits;
};

}  // namespace ls::ui
