// The attribute classifier and the encoder share one network shape: StyleGAN2's residual
// discriminator blocks from the image down to 4x4, then two equalised linear layers to
// `outputs` numbers. The classifier predicts the portrait attributes (each scaled to -1..1);
// the encoder predicts a W+ code as an offset from the generator's average w (in-domain
// inversion's encoder, trained on the generator's own samples).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <map>
#include <string>
#include <vector>

#include "model/layers.h"

namespace ls::train {

struct FeatureNetConfig {
    int resolution = 64;
    std::map<int, int> channels;  // resolution -> channels, 4 .. resolution
    int outputs = 1;
};

class FeatureNetImpl : public torch::nn::Module {
  public:
    explicit FeatureNetImpl(const FeatureNetConfig& config);
    const FeatureNetConfig& config() const { return config_; }
    // images [N, 3, res, res] in -1..1 -> [N, outputs].
    at::Tensor forward(const at::Tensor& images);

    torch::nn::ModuleList convs{nullptr};
    nn::ConvLayer final_conv{nullptr};
    torch::nn::ModuleList final_linear{nullptr};

  private:
    FeatureNetConfig config_;
};
TORCH_MODULE(FeatureNet);

inline constexpr const char* kClassifierFormat = "latent-studio-classifier";
inline constexpr const char* kEncoderFormat = "latent-studio-encoder";

// A trained network and what its file says about it (attribute names, W+ shape, metrics...).
struct FeatureNetFile {
    FeatureNet net{nullptr};
    std::map<std::string, std::string> metadata;
    std::vector<std::string> names;  // the classifier's outputs
};

// Writes "net." + the weights, the configuration and `metadata` (atomic).
void save_feature_net(const std::string& path, FeatureNetImpl& net, const std::string& format,
                      std::map<std::string, std::string> metadata,
                      const std::vector<std::string>& names = {});
// Reads a file written by save_feature_net whose "format" is `format`; throws ModelError.
FeatureNetFile load_feature_net(const std::string& path, const std::string& format,
                                const at::Device& device = at::kCPU);

std::map<int, int> feature_channels(int resolution, int channel_max);

}  // namespace ls::train
