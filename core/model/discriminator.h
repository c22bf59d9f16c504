// The StyleGAN2 discriminator (residual architecture), in rosinality's module layout.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "model/config.h"
#include "model/layers.h"

namespace ls::nn {

class DiscriminatorImpl : public torch::nn::Module {
  public:
    explicit DiscriminatorImpl(const DiscriminatorConfig& config);
    const DiscriminatorConfig& config() const { return config_; }

    // images [N, C, res, res] -> logits [N, 1]. N must be a multiple of the mbstd group.
    Tensor forward(const Tensor& images);
    // The features after each resolution's block (for perceptual losses), the input first.
    std::vector<Tensor> features(const Tensor& images);

    torch::nn::ModuleList convs{nullptr};  // from-RGB, then one ResBlock per resolution
    ConvLayer final_conv{nullptr};
    torch::nn::ModuleList final_linear{nullptr};

  private:
    DiscriminatorConfig config_;
};
TORCH_MODULE(Discriminator);

}  // namespace ls::nn
