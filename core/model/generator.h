// The StyleGAN2 generator: mapping network, truncation, and a synthesis network that can run
// block by block (so that later work can restart it from cached activations).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "model/config.h"
#include "model/layers.h"

namespace ls::nn {

enum class NoiseMode { Const, None, Random };

// Where a block-by-block synthesis stands: the features `x` and the running RGB image `img`
// after block `next_block - 1` (block 0 is 4x4, block b is 4 * 2^b pixels).
struct SynthesisState {
    Tensor x, img;
    int next_block = 0;
};

class GeneratorImpl : public torch::nn::Module {
  public:
    explicit GeneratorImpl(const GeneratorConfig& config);

    const GeneratorConfig& config() const { return config_; }

    // z [N, z_dim] -> w [N, w_dim].
    Tensor mapping(const Tensor& z);
    // w [N, w_dim] -> W+ [N, num_ws, w_dim].
    Tensor broadcast(const Tensor& w) const;
    // Moves the first `cutoff` (default: all) layers of W+ towards latent_avg by psi.
    Tensor truncate(const Tensor& wplus, double psi, std::optional<int> cutoff = {}) const;
    // z -> W+, with truncation; with z2 and a mixing index, layers >= index come from z2.
    Tensor z_to_wplus(const Tensor& z, double psi = 1.0, const Tensor& z2 = {}, int mix_index = -1);

    // W+ -> image [N, img_channels, res, res] in the network's range (about -1..1).
    Tensor synthesis(const Tensor& wplus, NoiseMode noise = NoiseMode::Const,
                     std::optional<uint64_t> noise_seed = {});
    // Runs blocks [state.next_block, end_block) of the synthesis.
    SynthesisState synthesis_blocks(const Tensor& wplus, SynthesisState state, int end_block,
                                    NoiseMode noise = NoiseMode::Const,
                                    std::optional<uint64_t> noise_seed = {});
    // The index of the first block whose output depends on W+ layer `layer`.
    static int first_block_of_layer(int layer) { return layer <= 1 ? 0 : layer / 2; }

    // Use channels-last activations (fast on CPUs with mkldnn); on by default on the CPU.
    void set_channels_last(bool on) { channels_last_ = on; }

    Tensor latent_avg;  // [w_dim], the average w (truncation target)

    torch::nn::ModuleList style{nullptr};  // PixelNorm, then mapping_layers EqualLinear
    ConstantInput input{nullptr};
    StyledConv conv1{nullptr};
    ToRGB to_rgb1{nullptr};
    torch::nn::ModuleList convs{nullptr};
    torch::nn::ModuleList to_rgbs{nullptr};
    std::shared_ptr<torch::nn::Module> noises;  // buffers noise_0 ... noise_{n-1}

  private:
    std::vector<Tensor> make_noise(int64_t batch, const at::TensorOptions& options, NoiseMode mode,
                                   std::optional<uint64_t> seed, int first, int last) const;
    std::vector<Tensor> noise_buffers_;
    GeneratorConfig config_;
    bool channels_last_ = true;
};
TORCH_MODULE(Generator);

}  // namespace ls::nn
