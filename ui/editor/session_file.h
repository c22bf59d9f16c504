// The session file: DESIGN.md's non-destructive edit recipe as JSON, with the code and each
// direction as .npy files beside it (NumPy-readable). Written atomically.
#pragma once

#include <QJsonObject>
#include <QString>

#include "editor_state.h"
#include "engine/render_types.h"

namespace ls::ui {

// The recipe as JSON; `files` names the code and direction files relative to the session.
QJsonObject session_json(const EditorState& state, const ModelInfo& model, const QString& stem);

// Writes `path` (.json) plus "<stem>.code.npy" and "<stem>.dirN.npy" beside it. Throws
// std::runtime_error with a readable message; on failure the previous files stay as they were.
void save_session(const QString& path, const EditorState& state, const ModelInfo& model);

// Reads a session, checking it against the loaded model's sizes. Throws std::runtime_error.
EditorState load_session(const QString& path, const ModelInfo& model);

}  // namespace ls::ui
