// The arithmetic of StyleGAN2, as free functions on ATen tensors. Every function is
// differentiable (plain ATen ops), works on any device, and is written in the form that is
// fast on a CPU (see ../shared/notes/cpu-performance.md): modulation of the activations
// instead of grouped convolutions, and no conv_transpose2d.
#pragma once

#include <ATen/ATen.h>

#include <optional>

namespace ls::ops {

// upfirdn2d as in both reference codes: upsample by zero insertion, pad, convolve with the
// (flipped) 2-D filter `f`, keep every `down`-th pixel. Pads must be >= 0.
at::Tensor upfirdn2d(const at::Tensor& x, const at::Tensor& f, int up, int down, int pad0,
                     int pad1);

// Bias, leaky ReLU (slope 0.2) scaled by sqrt(2), then the optional clamp: the fused_lrelu of
// rosinality and bias_act(act='lrelu') of stylegan2-ada. `bias` is [C].
at::Tensor bias_lrelu(const at::Tensor& x, const at::Tensor& bias, std::optional<double> clamp);

// Demodulation coefficients rsqrt(sum_{i,k} (scale * w[o,i,k] * s[n,i])^2 + 1e-8): [N, Cout].
at::Tensor demodulation(const at::Tensor& weight, const at::Tensor& styles, double scale);

// The transposed 3x3 (any odd or even size) convolution with stride 2 and no padding, as
// conv_transpose2d(x, weight.transpose(0, 1), stride=2) computes it, but with one ordinary
// convolution over the four output phases: conv_transpose2d is slow on CPUs.
// weight is [Cout, Cin, k, k]. Output [N, Cout, 2H + k - 2, 2W + k - 2].
at::Tensor conv_transpose_stride2(const at::Tensor& x, const at::Tensor& weight);

// The minibatch standard-deviation feature of the discriminator's epilogue.
at::Tensor minibatch_stddev(const at::Tensor& x, int group_size, int num_channels);

}  // namespace ls::ops
