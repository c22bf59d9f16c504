#include "model/layers.h"

#include <cmath>

#include "model/ops.h"

#include <ATen/core/grad_mode.h>

namespace ls::nn {

namespace {
const double kSqrt2 = std::sqrt(2.0);

// Python's floor division, which the reference codes use for their pads.
int floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return static_cast<int>(q);
}
}  // namespace

Tensor make_fir_kernel(const std::vector<float>& taps) {
    Tensor k = torch::tensor(taps, torch::kFloat32);
    k = at::outer(k, k);
    return k / k.sum();
}

EqualLinearImpl::EqualLinearImpl(int64_t in, int64_t out, double lr_mul_, bool activate_,
                                 double bias_init)
    : scale(1.0 / std::sqrt(static_cast<double>(in)) * lr_mul_),
      lr_mul(lr_mul_),
      activate(activate_) {
    weight = register_parameter("weight", torch::randn({out, in}) / lr_mul);
    bias = register_parameter("bias", torch::full({out}, bias_init));
}

Tensor EqualLinearImpl::forward(const Tensor& x) {
    if (activate) {
        const Tensor out = at::matmul(x, (weight * scale).t());
        return at::leaky_relu(out + bias * lr_mul, 0.2) * kSqrt2;
    }
    return at::addmm(bias * lr_mul, x, (weight * scale).t());
}

Tensor PixelNormImpl::forward(const Tensor& x) {
    return x * at::rsqrt(x.square().mean(1, true) + 1e-8);
}

FirFilterImpl::FirFilterImpl(const Tensor& k) {
    kernel = register_buffer("kernel", k);
}

ModulatedConvImpl::ModulatedConvImpl(int64_t in, int64_t out, int64_t kernel_size,
                                     int64_t style_dim, bool demodulate_, bool upsample_,
                                     const std::vector<float>& blur_taps)
    : scale(1.0 / std::sqrt(static_cast<double>(in * kernel_size * kernel_size))),
      demodulate(demodulate_),
      upsample(upsample_) {
    weight = register_parameter("weight", torch::randn({1, out, in, kernel_size, kernel_size}));
    modulation = register_module("modulation", EqualLinear(style_dim, in, 1.0, false, 1.0));
    if (upsample) blur = register_module("blur", FirFilter(make_fir_kernel(blur_taps) * 4));
}

Tensor ModulatedConvImpl::upsample_conv(const Tensor& x) {
    // The blur after a transposed convolution: pads (p+1)/2+factor-1 and p/2+1 where
    // p = len(kernel) - factor - (k - 1), as both reference codes compute it.
    const int64_t p = blur->kernel.size(0) - 2 - (weight.size(3) - 1);
    const int pad0 = floor_div(p + 1, 2) + 1, pad1 = floor_div(p, 2) + 1;
    // Both steps as one polyphase convolution (CPUs are slow at conv_transpose2d and at
    // depthwise blurs). Without gradients the packed kernel is kept until the weights change.
    const bool keep = !at::GradMode::is_enabled();
    const bool stale = !packed_.kernel.defined() || packed_for_ != weight.data_ptr() ||
                       packed_version_ != weight._version() + blur->kernel._version();
    if (!keep || stale) {
        Tensor composite;
        int64_t u_lo = 0;
        const Tensor kernel = weight.squeeze(0) * scale;
        if (!ops::compose_upsample_kernel(kernel, blur->kernel, pad0, pad1, &composite, &u_lo)) {
            // A filter for which the composite does not apply: the two steps as written.
            Tensor out = ops::conv_transpose_stride2(x, kernel.to(x.dtype()))
                             .contiguous(x.suggest_memory_format());
            return ops::upfirdn2d(out, blur->kernel, 1, 1, pad0, pad1);
        }
        ops::PolyphaseKernel packed = ops::pack_polyphase(composite, u_lo);
        if (!keep) return ops::upsample2x_polyphase(x, packed);
        packed.kernel = packed.kernel.contiguous(x.suggest_memory_format());
        packed_ = packed;
        packed_for_ = weight.data_ptr();
        packed_version_ = weight._version() + blur->kernel._version();
    }
    return ops::upsample2x_polyphase(x, packed_);
}

Tensor ModulatedConvImpl::forward(const Tensor& x, const Tensor& w) {
    // StyleGAN2's "non-fused" form: scale the activations by the style, convolve with the
    // shared weights, scale the result by the demodulation coefficients. Equal to the
    // grouped convolution of the reference codes, and keeps batches on the fast path.
    const int64_t n = x.size(0), in = x.size(1);
    const Tensor styles = modulation->forward(w);  // [N, in]
    const Tensor w4 = weight.squeeze(0);           // [out, in, k, k]
    Tensor out = x * styles.reshape({n, in, 1, 1});
    if (upsample) {
        out = upsample_conv(out);
    } else {
        const int64_t pad = weight.size(3) / 2;
        const Tensor kernel = (w4 * scale).to(x.dtype());
        out = at::conv2d(out, kernel.contiguous(x.suggest_memory_format()), {}, {1, 1}, {pad, pad});
    }
    if (demodulate) {
        const Tensor d = ops::demodulation(w4, styles, scale);
        out = out * d.reshape({n, -1, 1, 1}).to(out.dtype());
    }
    return out;
}

Tensor ModulatedConvImpl::forward_inference(const Tensor& x, const Tensor& w, double gain,
                                            const Tensor& bias) {
    // gain * forward(x, w) + bias, for when no gradient is needed: with one image and no
    // upsampling the style and the demodulation fold into the weights (one convolution, no
    // pass over the activations); otherwise the passes over the activations run in place.
    const int64_t n = x.size(0), in = x.size(1);
    const auto format = x.suggest_memory_format();
    const int64_t pad = weight.size(3) / 2;
    const Tensor styles = modulation->forward(w);
    const Tensor w4 = weight.squeeze(0);
    const Tensor coef = demodulate ? ops::demodulation(w4, styles, scale) * gain
                                   : at::full({n, w4.size(0)}, gain, styles.options());
    const Tensor b = bias.defined() ? bias.reshape({1, -1, 1, 1}).to(x.dtype()) : Tensor();
    if (n == 1 && !upsample) {
        const Tensor kernel =
            (w4 * (styles.reshape({1, in, 1, 1}) * scale) * coef.reshape({-1, 1, 1, 1}))
                .to(x.dtype());
        return at::conv2d(x, kernel.contiguous(format), bias.defined() ? b.flatten() : Tensor(),
                          {1, 1}, {pad, pad});
    }
    const Tensor xm = x * styles.reshape({n, in, 1, 1}).to(x.dtype());
    Tensor out = upsample ? upsample_conv(xm)
                          : at::conv2d(xm, (w4 * scale).to(x.dtype()).contiguous(format), {},
                                       {1, 1}, {pad, pad});
    out.mul_(coef.reshape({n, -1, 1, 1}).to(out.dtype()));
    if (b.defined()) out.add_(b);
    return out;
}

NoiseInjectionImpl::NoiseInjectionImpl() {
    weight = register_parameter("weight", torch::zeros({1}));
}

Tensor NoiseInjectionImpl::forward(const Tensor& x, const Tensor& noise) {
    if (!noise.defined()) return x;
    return x + weight * noise;
}

FusedLeakyReLUImpl::FusedLeakyReLUImpl(int64_t channels) {
    bias = register_parameter("bias", torch::zeros({channels}));
}

Tensor FusedLeakyReLUImpl::forward(const Tensor& x, std::optional<double> clamp) {
    return ops::bias_lrelu(x, bias, clamp);
}

StyledConvImpl::StyledConvImpl(int64_t in, int64_t out, int64_t style_dim, bool upsample,
                               const std::vector<float>& blur_taps) {
    conv = register_module("conv", ModulatedConv(in, out, 3, style_dim, true, upsample, blur_taps));
    noise = register_module("noise", NoiseInjection());
    activate = register_module("activate", FusedLeakyReLU(out));
}

Tensor StyledConvImpl::forward(const Tensor& x, const Tensor& w, const Tensor& n,
                               std::optional<double> clamp) {
    if (at::GradMode::is_enabled()) {
        return activate->forward(noise->forward(conv->forward(x, w), n), clamp);
    }
    // Without gradients: lrelu(y) * g = lrelu(g * y) for g > 0, so the gain sqrt(2) goes
    // into the convolution, and bias, noise, activation and clamp run in place.
    Tensor out = conv->forward_inference(x, w, kSqrt2, activate->bias * kSqrt2);
    if (n.defined()) out.add_((n * (noise->weight * kSqrt2)).to(out.dtype()));
    at::leaky_relu_(out, 0.2);
    if (clamp) out.clamp_(-*clamp, *clamp);
    return out;
}

ToRGBImpl::ToRGBImpl(int64_t in, int64_t style_dim, int64_t img_channels, bool up,
                     const std::vector<float>& blur_taps) {
    conv = register_module(
        "conv", ModulatedConv(in, img_channels, 1, style_dim, false, false, std::vector<float>{}));
    bias = register_parameter("bias", torch::zeros({1, img_channels, 1, 1}));
    if (up) upsample = register_module("upsample", FirFilter(make_fir_kernel(blur_taps) * 4));
}

Tensor ToRGBImpl::forward(const Tensor& x, const Tensor& w, const Tensor& skip,
                          std::optional<double> clamp) {
    const bool grad = at::GradMode::is_enabled();
    Tensor out = grad ? conv->forward(x, w) + bias : conv->forward_inference(x, w, 1.0, bias);
    if (clamp) out = grad ? out.clamp(-*clamp, *clamp) : out.clamp_(-*clamp, *clamp);
    if (skip.defined()) {
        // Upsample: pads (p+1)/2+factor-1 and p/2 with p = len(kernel) - factor.
        const int64_t p = upsample->kernel.size(0) - 2;
        const Tensor up =
            ops::upsample2d(skip, upsample->kernel, floor_div(p + 1, 2) + 1, floor_div(p, 2));
        out = grad ? out + up : out.add_(up);
    }
    return out;
}

ConstantInputImpl::ConstantInputImpl(int64_t channels, int64_t size) {
    input = register_parameter("input", torch::randn({1, channels, size, size}));
}

Tensor ConstantInputImpl::forward(int64_t batch) {
    return input.expand({batch, -1, -1, -1});
}

ConvLayerImpl::ConvLayerImpl(int64_t in, int64_t out, int64_t kernel_size, bool downsample,
                             const std::vector<float>& blur_taps, bool bias, bool activate_)
    : padding(downsample ? 0 : kernel_size / 2),
      stride(downsample ? 2 : 1),
      scale(1.0 / std::sqrt(static_cast<double>(in * kernel_size * kernel_size))),
      activate(activate_) {
    // Submodule indices follow rosinality's nn.Sequential: [Blur], EqualConv2d, [activation].
    int index = 0;
    if (downsample) {
        blur = FirFilter(make_fir_kernel(blur_taps));
        register_module(std::to_string(index++), blur);
    }
    auto conv = register_module(std::to_string(index++), std::make_shared<torch::nn::Module>());
    weight = conv->register_parameter("weight", torch::randn({out, in, kernel_size, kernel_size}));
    if (bias && !activate) conv_bias = conv->register_parameter("bias", torch::zeros({out}));
    if (activate) {
        auto act = register_module(std::to_string(index++), std::make_shared<torch::nn::Module>());
        act_bias = act->register_parameter("bias", torch::zeros({out}));
    }
}

Tensor ConvLayerImpl::forward(const Tensor& x, std::optional<double> clamp) {
    Tensor out = x;
    if (blur) {
        // Downsampling blur: pads (p+1)/2 and p/2 with p = len(kernel) - 2 + (k - 1).
        const int64_t p = blur->kernel.size(0) - 2 + (weight.size(3) - 1);
        out = ops::upfirdn2d(out, blur->kernel, 1, 1, floor_div(p + 1, 2), floor_div(p, 2));
    }
    const Tensor kernel = (weight * scale).to(x.dtype()).contiguous(out.suggest_memory_format());
    out = at::conv2d(out, kernel, conv_bias.defined() ? conv_bias : Tensor(), {stride, stride},
                     {padding, padding});
    if (activate) return ops::bias_lrelu(out, act_bias, clamp);
    if (clamp) out = out.clamp(-*clamp, *clamp);
    return out;
}

ResBlockImpl::ResBlockImpl(int64_t in, int64_t out, const std::vector<float>& blur_taps) {
    conv1 = register_module("conv1", ConvLayer(in, in, 3, false, blur_taps, true, true));
    conv2 = register_module("conv2", ConvLayer(in, out, 3, true, blur_taps, true, true));
    skip = register_module("skip", ConvLayer(in, out, 1, true, blur_taps, false, false));
}

Tensor ResBlockImpl::forward(const Tensor& x, std::optional<double> clamp) {
    const Tensor out = conv2->forward(conv1->forward(x, clamp), clamp);
    // No clamp on the skip: stylegan2-ada's DiscriminatorBlock builds its skip Conv2dLayer
    // without conv_clamp (only fromrgb, conv0 and conv1 get it).
    const Tensor s = skip->forward(x, std::nullopt);
    return (out + s) * (1.0 / kSqrt2);
}

}  // namespace ls::nn
