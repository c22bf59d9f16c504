#include "edit/incremental_renderer.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <utility>

namespace ls::edit {

IncrementalRenderer::IncrementalRenderer(nn::Generator generator, nn::NoiseMode noise,
                                         std::optional<uint64_t> noise_seed)
    : g_(std::move(generator)), noise_(noise), noise_seed_(noise_seed) {}

void IncrementalRenderer::clear() {
    last_wplus_ = at::Tensor();
    after_.clear();
}

bool IncrementalRenderer::can_reuse(const at::Tensor& wplus) const {
    if (noise_ == nn::NoiseMode::Random && !noise_seed_) return false;
    return last_wplus_.defined() && last_wplus_.sizes() == wplus.sizes() &&
           last_wplus_.dtype() == wplus.dtype() && last_wplus_.device() == wplus.device();
}

int IncrementalRenderer::first_changed_layer(const at::Tensor& wplus) const {
    if (!can_reuse(wplus)) return 0;
    // Exact comparison: a layer whose bits did not change gives the same activations.
    const at::Tensor changed = (last_wplus_ != wplus).any(2).any(0).cpu();
    const auto* c = changed.data_ptr<bool>();
    for (int l = 0; l < changed.size(0); ++l) {
        if (c[l]) return l;
    }
    return static_cast<int>(changed.size(0));
}

at::Tensor IncrementalRenderer::render(const at::Tensor& wplus) {
    torch::NoGradGuard no_grad;
    const int blocks = g_->config().num_blocks();
    const int layer = first_changed_layer(wplus);
    // Layer k is first read by block first_block_of_layer(k); with no change, nothing runs.
    const int start =
        layer >= g_->config().num_ws() ? blocks : nn::GeneratorImpl::first_block_of_layer(layer);
    ++renders_;
    if (start > 0) ++cache_hits_;
    last_start_block_ = start;
    if (start == blocks) return after_.back().img;

    after_.resize(static_cast<size_t>(blocks));
    // Invalid until the last block has run, in case a block throws (out of memory).
    last_wplus_ = at::Tensor();
    nn::SynthesisState state = start == 0 ? nn::SynthesisState{} : after_[start - 1];
    for (int b = start; b < blocks; ++b) {
        state = g_->synthesis_blocks(wplus, std::move(state), b + 1, noise_, noise_seed_);
        after_[b] = state;
        ++blocks_run_;
    }
    after_.back().x = at::Tensor();  // nothing restarts after the last block
    last_wplus_ = wplus.detach().clone();
    return after_.back().img;
}

}  // namespace ls::edit
