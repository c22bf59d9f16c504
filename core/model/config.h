// The shape of a StyleGAN2 generator and discriminator, inferred from a checkpoint's tensors.
// Plain data, no LibTorch: the GUI and the CLI read it without the engine's headers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ls {

struct GeneratorConfig {
    int resolution = 0;  // output size, a power of two >= 4
    int z_dim = 0;
    int w_dim = 0;
    int mapping_layers = 0;
    double mapping_lr_mul = 0.01;      // both reference codes use 0.01
    std::map<int, int> channels;       // resolution -> feature channels
    std::optional<double> conv_clamp;  // stylegan2-ada clamps activations; rosinality does not
    int img_channels = 3;
    std::string architecture = "skip";
    std::optional<int> channel_multiplier;  // rosinality's naming, when it fits the table
    std::optional<int> truncation_cutoff;   // layers the truncation applies to (ada's default)

    int log2_resolution() const;
    int num_ws() const { return log2_resolution() * 2 - 2; }  // one w per layer
    int num_noise_layers() const { return (log2_resolution() - 2) * 2 + 1; }
    int num_blocks() const { return log2_resolution() - 1; }  // 4x4, 8x8, ...
};

struct DiscriminatorConfig {
    int resolution = 0;
    std::map<int, int> channels;
    std::optional<double> conv_clamp;
    int mbstd_group_size = 4;
    int mbstd_channels = 1;
    int img_channels = 3;
    std::string architecture = "resnet";

    int log2_resolution() const;
};

// The channel table of rosinality's Generator(size, channel_multiplier) and of the official
// StyleGAN2 configs: 512 up to 32 px, then halving with the multiplier.
std::map<int, int> rosinality_channels(int resolution, int channel_multiplier);
// stylegan2-ada-pytorch: min(channel_base / res, channel_max).
std::map<int, int> ada_channels(int resolution, int channel_base, int channel_max);

}  // namespace ls
