// RenderEngine's private state, shared by its .cpp files (LibTorch inside: never included by a
// header that moc reads).
#pragma once

#include <memory>

#include "edit/incremental_renderer.h"
#include "image_convert.h"
#include "model/model.h"
#include "render_engine.h"
#include "train/feature_net.h"

namespace ls::ui {

struct RenderEngine::Impl {
    Model model;
    std::unique_ptr<edit::IncrementalRenderer> renderer;  // reuses unchanged blocks
    bool loaded = false;
    train::FeatureNet encoder{nullptr};  // the model's encoder, loaded by the first inversion
    bool encoder_loaded = false;
    train::FeatureNet classifier{nullptr};  // the manifest's attribute classifier, if any
};

}  // namespace ls::ui
