#include "model/generator.h"

#include <ATen/CPUGeneratorImpl.h>

#include <stdexcept>
#include <string>

namespace ls::nn {

namespace {
const std::vector<float> kBlurTaps = {1, 3, 3, 1};
}

GeneratorImpl::GeneratorImpl(const GeneratorConfig& c) : config_(c) {
    const int style_dim = c.w_dim;
    style = register_module("style", torch::nn::ModuleList());
    style->push_back(PixelNorm());
    for (int i = 0; i < c.mapping_layers; ++i) {
        style->push_back(EqualLinear(i == 0 ? c.z_dim : c.w_dim, c.w_dim, c.mapping_lr_mul, true));
    }
    input = register_module("input", ConstantInput(c.channels.at(4), 4));
    conv1 = register_module(
        "conv1", StyledConv(c.channels.at(4), c.channels.at(4), style_dim, false, kBlurTaps));
    to_rgb1 = register_module("to_rgb1",
                              ToRGB(c.channels.at(4), style_dim, c.img_channels, false, kBlurTaps));
    convs = register_module("convs", torch::nn::ModuleList());
    to_rgbs = register_module("to_rgbs", torch::nn::ModuleList());
    int in = c.channels.at(4);
    for (int res = 8; res <= c.resolution; res *= 2) {
        const int out = c.channels.at(res);
        convs->push_back(StyledConv(in, out, style_dim, true, kBlurTaps));
        convs->push_back(StyledConv(out, out, style_dim, false, kBlurTaps));
        to_rgbs->push_back(ToRGB(out, style_dim, c.img_channels, true, kBlurTaps));
        in = out;
    }
    noises = register_module("noises", std::make_shared<torch::nn::Module>());
    for (int i = 0; i < c.num_noise_layers(); ++i) {
        const int64_t res = int64_t{4} << ((i + 1) / 2);
        noise_buffers_.push_back(
            noises->register_buffer("noise_" + std::to_string(i), torch::randn({1, 1, res, res})));
    }
    latent_avg = register_buffer("latent_avg", torch::zeros({style_dim}));
}

Tensor GeneratorImpl::mapping(const Tensor& z) {
    if (z.dim() != 2 || z.size(1) != config_.z_dim) {
        throw std::invalid_argument("z must be [N, " + std::to_string(config_.z_dim) + "]");
    }
    Tensor x = z;
    for (const auto& layer : *style) {
        if (auto norm = layer->as<PixelNormImpl>()) {
            x = norm->forward(x);
        } else {
            x = layer->as<EqualLinearImpl>()->forward(x);
        }
    }
    return x;
}

Tensor GeneratorImpl::broadcast(const Tensor& w) const {
    return w.unsqueeze(1).expand({-1, config_.num_ws(), -1});
}

Tensor GeneratorImpl::truncate(const Tensor& wplus, double psi, std::optional<int> cutoff) const {
    if (psi == 1.0) return wplus;
    const int n = std::min(cutoff.value_or(config_.num_ws()), config_.num_ws());
    const Tensor avg = latent_avg.to(wplus.dtype()).reshape({1, 1, -1});
    Tensor head = avg + psi * (wplus.narrow(1, 0, n) - avg);
    if (n == config_.num_ws()) return head;
    return at::cat({head, wplus.narrow(1, n, config_.num_ws() - n)}, 1);
}

Tensor GeneratorImpl::z_to_wplus(const Tensor& z, double psi, const Tensor& z2, int mix_index) {
    Tensor wplus = broadcast(mapping(z));
    if (z2.defined() && mix_index >= 0 && mix_index < config_.num_ws()) {
        const Tensor wplus2 = broadcast(mapping(z2));
        wplus = at::cat({wplus.narrow(1, 0, mix_index),
                         wplus2.narrow(1, mix_index, config_.num_ws() - mix_index)},
                        1);
    }
    return truncate(wplus, psi, config_.truncation_cutoff);
}

std::vector<Tensor> GeneratorImpl::make_noise(int64_t batch, const at::TensorOptions& options,
                                              NoiseMode mode, std::optional<uint64_t> seed,
                                              int first, int last) const {
    std::vector<Tensor> out(noise_buffers_.size());
    if (mode == NoiseMode::None) return out;
    if (mode == NoiseMode::Const) {
        for (int i = first; i < last; ++i) out[i] = noise_buffers_[i].to(options);
        return out;
    }
    // Random noise: drawn on the CPU from a seeded generator, so that a seed gives the same
    // image on every device. All layers are drawn, so that a partial run sees the same noise.
    at::Generator gen = at::detail::createCPUGenerator(seed.value_or(0));
    if (!seed) gen = at::detail::getDefaultCPUGenerator();
    for (size_t i = 0; i < noise_buffers_.size(); ++i) {
        const Tensor n = at::randn({batch, 1, noise_buffers_[i].size(2), noise_buffers_[i].size(3)},
                                   gen, at::TensorOptions().dtype(at::kFloat));
        if (static_cast<int>(i) >= first && static_cast<int>(i) < last) out[i] = n.to(options);
    }
    return out;
}

Tensor GeneratorImpl::synthesis(const Tensor& wplus, NoiseMode noise,
                                std::optional<uint64_t> noise_seed) {
    return synthesis_blocks(wplus, {}, config_.num_blocks(), noise, noise_seed).img;
}

SynthesisState GeneratorImpl::synthesis_blocks(const Tensor& wplus, SynthesisState state,
                                               int end_block, NoiseMode noise_mode,
                                               std::optional<uint64_t> noise_seed) {
    if (wplus.dim() != 3 || wplus.size(1) != config_.num_ws() || wplus.size(2) != config_.w_dim) {
        throw std::invalid_argument("W+ must be [N, " + std::to_string(config_.num_ws()) + ", " +
                                    std::to_string(config_.w_dim) + "]");
    }
    const int64_t batch = wplus.size(0);
    const auto act_options = wplus.options();
    const auto format = channels_last_ && wplus.device().is_cpu() ? at::MemoryFormat::ChannelsLast
                                                                  : at::MemoryFormat::Contiguous;
    // Noise layer l belongs to block (l + 1) / 2.
    const int first_noise = state.next_block == 0 ? 0 : 2 * state.next_block - 1;
    const int last_noise = std::min(2 * end_block - 1, config_.num_noise_layers());
    const auto noise =
        make_noise(batch, act_options, noise_mode, noise_seed, first_noise, last_noise);
    const std::optional<double> clamp = config_.conv_clamp;
    auto ws = [&](int i) { return wplus.select(1, i); };

    for (int b = state.next_block; b < end_block; ++b) {
        if (b == 0) {
            state.x = input->forward(batch).to(wplus.dtype()).contiguous(format);
            state.x = conv1->forward(state.x, ws(0), noise[0], clamp);
            state.img = to_rgb1->forward(state.x, ws(1), Tensor(), clamp);
        } else {
            const int l = 2 * b - 1;  // first W+ layer and noise layer of this block
            auto up = convs[2 * (b - 1)]->as<StyledConvImpl>();
            auto same = convs[2 * (b - 1) + 1]->as<StyledConvImpl>();
            state.x = up->forward(state.x, ws(l), noise[l], clamp).contiguous(format);
            state.x = same->forward(state.x, ws(l + 1), noise[l + 1], clamp);
            state.img =
                to_rgbs[b - 1]->as<ToRGBImpl>()->forward(state.x, ws(l + 2), state.img, clamp);
        }
        state.next_block = b + 1;
    }
    if (state.next_block == config_.num_blocks()) state.img = state.img.contiguous();
    return state;
}

}  // namespace ls::nn
