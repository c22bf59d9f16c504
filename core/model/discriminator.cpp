#include "model/discriminator.h"

#include <stdexcept>
#include <string>

#include "model/ops.h"

namespace ls::nn {

namespace {
const std::vector<float> kBlurTaps = {1, 3, 3, 1};
}

DiscriminatorImpl::DiscriminatorImpl(const DiscriminatorConfig& c) : config_(c) {
    if (c.architecture != "resnet") {
        throw std::invalid_argument("discriminator architecture '" + c.architecture +
                                    "' is not supported (only 'resnet')");
    }
    convs = register_module("convs", torch::nn::ModuleList());
    convs->push_back(ConvLayer(c.img_channels, c.channels.at(c.resolution), 1, false,
                               std::vector<float>{}, true, true));
    for (int res = c.resolution; res > 4; res /= 2) {
        convs->push_back(ResBlock(c.channels.at(res), c.channels.at(res / 2), kBlurTaps));
    }
    const int ch4 = c.channels.at(4);
    final_conv = register_module("final_conv", ConvLayer(ch4 + c.mbstd_channels, ch4, 3, false,
                                                         std::vector<float>{}, true, true));
    final_linear = register_module("final_linear", torch::nn::ModuleList());
    final_linear->push_back(EqualLinear(ch4 * 4 * 4, ch4, 1.0, true));
    final_linear->push_back(EqualLinear(ch4, 1, 1.0, false));
}

std::vector<Tensor> DiscriminatorImpl::features(const Tensor& images) {
    if (images.dim() != 4 || images.size(1) != config_.img_channels ||
        images.size(2) != config_.resolution || images.size(3) != config_.resolution) {
        throw std::invalid_argument("images must be [N, " + std::to_string(config_.img_channels) +
                                    ", " + std::to_string(config_.resolution) + ", " +
                                    std::to_string(config_.resolution) + "]");
    }
    std::vector<Tensor> out;
    const auto format =
        images.device().is_cpu() ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
    Tensor x = images.contiguous(format);
    x = convs[0]->as<ConvLayerImpl>()->forward(x, config_.conv_clamp);
    out.push_back(x);
    for (size_t i = 1; i < convs->size(); ++i) {
        x = convs[i]->as<ResBlockImpl>()->forward(x, config_.conv_clamp);
        out.push_back(x);
    }
    return out;
}

Tensor DiscriminatorImpl::forward(const Tensor& images) {
    Tensor x = features(images).back();
    x = ops::minibatch_stddev(x, config_.mbstd_group_size, config_.mbstd_channels);
    x = final_conv->forward(x, config_.conv_clamp);
    x = x.contiguous().flatten(1);  // NCHW order, as the reference codes flatten
    x = final_linear[0]->as<EqualLinearImpl>()->forward(x);
    return final_linear[1]->as<EqualLinearImpl>()->forward(x);
}

}  // namespace ls::nn
