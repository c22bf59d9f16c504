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

// A stride-2 transposed correlation in polyphase form: for each output row phase b and
// column phase c, z[2m + b, 2n + c] = sum_{j,l} x[m + j, n + l] * D[b - 2j - u_lo, c - 2l - u_lo]
// (D's index u runs from u_lo). This is every "upsample by 2 and filter" of StyleGAN2:
// conv_transpose2d followed by a blur, and upfirdn2d with up = 2, once D is the composite
// kernel (compose_upsample_kernel / the FIR filter itself). One ordinary convolution computes
// all four phases as 4 * Cout channels; a pixel shuffle interleaves them.
struct PolyphaseKernel {
    at::Tensor kernel;  // [4 * Cout, Cin / groups, S, S], channel o * 4 + b * 2 + c
    int64_t pad_before = 0, pad_after = 0;
};
// D is [Cout, Cin / groups, L, L].
PolyphaseKernel pack_polyphase(const at::Tensor& D, int64_t u_lo);
// Output [N, Cout, 2H, 2W], in x's memory format.
at::Tensor upsample2x_polyphase(const at::Tensor& x, const PolyphaseKernel& k, int64_t groups = 1);

// The composite kernel of "conv_transpose2d(weight, stride 2), then upfirdn2d(f, pad0, pad1)":
// D = weight (*) flip(f), whose index starts at u_lo = pad0 - len(f) + 1. Returns false (and
// leaves D undefined) when that pipeline does not output exactly 2H rows.
bool compose_upsample_kernel(const at::Tensor& weight, const at::Tensor& f, int pad0, int pad1,
                             at::Tensor* D, int64_t* u_lo);

// upfirdn2d(x, f, up = 2, down = 1, pad0, pad1), through the polyphase form when it gives
// exactly 2H rows (pad0 + pad1 = len(f) - 1), else through upfirdn2d itself.
at::Tensor upsample2d(const at::Tensor& x, const at::Tensor& f, int pad0, int pad1);

// The minibatch standard-deviation feature of the discriminator's epilogue.
at::Tensor minibatch_stddev(const at::Tensor& x, int group_size, int num_channels);

}  // namespace ls::ops
