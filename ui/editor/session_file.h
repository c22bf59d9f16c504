// The session file: DESIGN.md's non-destructive edit recipe as JSON, with the code and each
// direction as .npy files beside it (NumPy-readable). Written atomically.
#pragma once

#include <QJsonObject>
#include <QString>

#include "editor_state.h"
#include "engine/render_types.h"

#include <optional>

namespace ls::ui {

// The photo a session edits, and how its code was found.
struct SessionPhoto {
    QString path;                        // absolute
    QString sha256;                      // hex, of the file as it was opened
    std::optional<Alignment> alignment;  // the crop box (the code's crop when there is a code)
    QString preset = QStringLiteral("balanced");
    bool wplus = true;
    quint64 seed = 0;
    int steps = 0;  // 0: the preset's
};

// The recipe as JSON; `files` names the code and direction files relative to the session.
QJsonObject session_json(const EditorState& state, const ModelInfo& model, const QString& stem,
                         const std::optional<SessionPhoto>& photo = std::nullopt);

// Writes `path` (.json) plus "<stem>.code.npy" and "<stem>.dirN.npy" beside it, and the masks
// as "<stem>.mask.png" and "<stem>.fill.png" (8-bit grey). Throws std::runtime_error with a
// readable message; on failure the previous files stay as they were.
void save_session(const QString& path, const EditorState& state, const ModelInfo& model,
                  const std::optional<SessionPhoto>& photo = std::nullopt);

// Reads a session, checking it against the loaded model's sizes; `photo` receives the photo
// it edits, if any, and `model_sha256` the checksum of the generator it was saved with ("" in
// sessions from before it was recorded). Throws std::runtime_error.
EditorState load_session(const QString& path, const ModelInfo& model,
                         std::optional<SessionPhoto>* photo = nullptr,
                         QString* model_sha256 = nullptr);

}  // namespace ls::ui
