// Renders that reuse unchanged layers: the synthesis state after every block of the last
// render is kept, and a new W+ that differs only in layers >= k restarts from the block that
// first reads layer k. A fine-layer slider then re-runs only the last blocks.
// Not thread-safe: one renderer per thread (the editor's inference worker owns its own).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "model/generator.h"

namespace ls::edit {

class IncrementalRenderer {
  public:
    // Noise Const or None reuse freely; Random reuses only with a seed (the same seed draws the
    // same noise for every block); Random without a seed always renders in full.
    explicit IncrementalRenderer(nn::Generator generator,
                                 nn::NoiseMode noise = nn::NoiseMode::Const,
                                 std::optional<uint64_t> noise_seed = {});

    // The image for `wplus` [N, num_ws, w_dim], equal to generator->synthesis(wplus) under
    // torch::NoGradGuard. Runs without gradients (under InferenceMode too). The returned
    // tensor is also the cache's copy: do not modify it in place.
    at::Tensor render(const at::Tensor& wplus);

    // Forgets the cached states (call after changing the generator's weights).
    void clear();

    // The first W+ layer in which `wplus` differs from the last render (num_ws if none;
    // 0 when there is nothing to compare with).
    int first_changed_layer(const at::Tensor& wplus) const;

    int64_t renders() const { return renders_; }
    int64_t cache_hits() const { return cache_hits_; }  // renders that reused >= 1 block
    int64_t blocks_run() const { return blocks_run_; }
    int last_start_block() const { return last_start_block_; }

  private:
    bool can_reuse(const at::Tensor& wplus) const;

    nn::Generator g_;
    nn::NoiseMode noise_;
    std::optional<uint64_t> noise_seed_;
    at::Tensor last_wplus_;
    // after_[b]: the state after block b of the last render (x dropped for the last block).
    std::vector<nn::SynthesisState> after_;
    int64_t renders_ = 0, cache_hits_ = 0, blocks_run_ = 0;
    int last_start_block_ = 0;
};

}  // namespace ls::edit
