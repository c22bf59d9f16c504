// Everything an edit can change, as one value: the undo history stores these, and a session
// file is one of them written out.
#pragma once

#include <QImage>
#include <QString>

#include <optional>
#include <vector>

#include "edit_list_model.h"
#include "imaging/face_align.h"

namespace ls::ui {

struct EditorState {
    std::optional<quint64> seed;  // where the code came from, when it was a sample
    QString code_source;          // or the .npy it was opened from
    std::vector<float> base;      // W+ [num_ws * w_dim], before truncation and edits
    double truncation = 1.0;
    std::vector<EditRow> edits;
    // A photo's code: the crop it was inverted from (where it lies in the photo, and its
    // pixels; the pixels come back from the worker when a session is reopened).
    struct PhotoFrame {
        Alignment alignment;
        QImage target;  // at the model's resolution
        QImage native;  // at the photo's own scale (what the canvas shows)
    };
    std::optional<PhotoFrame> frame;
    QImage mask;       // painted on the crop (Grayscale8, 255 = to be filled); null: none
    QImage fill_mask;  // the mask of the last Fill: the generator's pixels show inside it
};

}  // namespace ls::ui
