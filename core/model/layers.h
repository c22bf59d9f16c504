// StyleGAN2's layers as LibTorch modules, one class per layer type. The names given to
// register_parameter / register_buffer / register_module are those of rosinality's
// stylegan2-pytorch, so that named_parameters() lists exactly the keys of its state dicts
// (stylegan2-ada pickles are renamed to these keys when they are loaded).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "model/ops.h"

#include <optional>
#include <vector>

namespace ls::nn {

using torch::Tensor;

// The 2-D filter of a 1-D kernel such as [1, 3, 3, 1]: outer product, normalised to sum 1.
Tensor make_fir_kernel(const std::vector<float>& taps);

// A linear layer with its weights scaled at run time (equalised learning rate).
class EqualLinearImpl : public torch::nn::Module {
  public:
    EqualLinearImpl(int64_t in, int64_t out, double lr_mul = 1.0, bool activate = false,
                    double bias_init = 0.0);
    Tensor forward(const Tensor& x);

    Tensor weight, bias;
    double scale, lr_mul;
    bool activate;
};
TORCH_MODULE(EqualLinear);

// Normalises z to unit second moment (rosinality's style.0, ada's normalize_2nd_moment).
class PixelNormImpl : public torch::nn::Module {
  public:
    Tensor forward(const Tensor& x);
};
TORCH_MODULE(PixelNorm);

// Holds a FIR filter as the buffer "kernel" (rosinality's Blur and Upsample modules).
class FirFilterImpl : public torch::nn::Module {
  public:
    explicit FirFilterImpl(const Tensor& kernel);
    Tensor kernel;
};
TORCH_MODULE(FirFilter);

// A convolution whose weights are scaled per input channel by a style computed from w.
class ModulatedConvImpl : public torch::nn::Module {
  public:
    ModulatedConvImpl(int64_t in, int64_t out, int64_t kernel_size, int64_t style_dim,
                      bool demodulate, bool upsample, const std::vector<float>& blur_taps);
    Tensor forward(const Tensor& x, const Tensor& w);
    // gain * forward(x, w) + bias ([out]), faster, for use without gradients.
    Tensor forward_inference(const Tensor& x, const Tensor& w, double gain, const Tensor& bias);

    Tensor weight;  // [1, out, in, k, k]
    EqualLinear modulation{nullptr};
    FirFilter blur{nullptr};  // only when upsampling
    double scale;
    bool demodulate, upsample;

  private:
    // The stride-2 transposed convolution with the scaled weights, then the blur, on the
    // already modulated x.
    Tensor upsample_conv(const Tensor& x);

    ops::PolyphaseKernel packed_;  // kept between calls without gradients
    const void* packed_for_ = nullptr;
    uint32_t packed_version_ = 0;
};
TORCH_MODULE(ModulatedConv);

class NoiseInjectionImpl : public torch::nn::Module {
  public:
    NoiseInjectionImpl();
    // An undefined `noise` adds nothing (noise mode "none").
    Tensor forward(const Tensor& x, const Tensor& noise);
    Tensor weight;  // [1]
};
TORCH_MODULE(NoiseInjection);

class FusedLeakyReLUImpl : public torch::nn::Module {
  public:
    explicit FusedLeakyReLUImpl(int64_t channels);
    Tensor forward(const Tensor& x, std::optional<double> clamp);
    Tensor bias;
};
TORCH_MODULE(FusedLeakyReLU);

class StyledConvImpl : public torch::nn::Module {
  public:
    StyledConvImpl(int64_t in, int64_t out, int64_t style_dim, bool upsample,
                   const std::vector<float>& blur_taps);
    Tensor forward(const Tensor& x, const Tensor& w, const Tensor& noise,
                   std::optional<double> clamp);

    ModulatedConv conv{nullptr};
    NoiseInjection noise{nullptr};
    FusedLeakyReLU activate{nullptr};
};
TORCH_MODULE(StyledConv);

class ToRGBImpl : public torch::nn::Module {
  public:
    ToRGBImpl(int64_t in, int64_t style_dim, int64_t img_channels, bool upsample,
              const std::vector<float>& blur_taps);
    // Adds this layer's RGB to the upsampled `skip` (when defined).
    Tensor forward(const Tensor& x, const Tensor& w, const Tensor& skip,
                   std::optional<double> clamp);

    ModulatedConv conv{nullptr};
    Tensor bias;                  // [1, img_channels, 1, 1]
    FirFilter upsample{nullptr};  // all but the first
};
TORCH_MODULE(ToRGB);

class ConstantInputImpl : public torch::nn::Module {
  public:
    ConstantInputImpl(int64_t channels, int64_t size);
    Tensor forward(int64_t batch);
    Tensor input;  // [1, C, 4, 4]
};
TORCH_MODULE(ConstantInput);

// The discriminator's convolution: EqualConv2d with optional blur-downsampling, bias and
// activation, laid out as rosinality's nn.Sequential (submodules named "0", "1", "2").
class ConvLayerImpl : public torch::nn::Module {
  public:
    ConvLayerImpl(int64_t in, int64_t out, int64_t kernel_size, bool downsample,
                  const std::vector<float>& blur_taps, bool bias, bool activate);
    Tensor forward(const Tensor& x, std::optional<double> clamp);

    FirFilter blur{nullptr};
    Tensor weight, conv_bias, act_bias;  // conv_bias only when there is no activation
    int64_t padding, stride;
    double scale;
    bool activate;
};
TORCH_MODULE(ConvLayer);

class ResBlockImpl : public torch::nn::Module {
  public:
    ResBlockImpl(int64_t in, int64_t out, const std::vector<float>& blur_taps);
    Tensor forward(const Tensor& x, std::optional<double> clamp);
    ConvLayer conv1{nullptr}, conv2{nullptr}, skip{nullptr};
};
TORCH_MODULE(ResBlock);

}  // namespace ls::nn
