#include "model/ops.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ls::ops {

at::Tensor upfirdn2d(const at::Tensor& x, const at::Tensor& f, int up, int down, int pad0,
                     int pad1) {
    if (pad0 < 0 || pad1 < 0) {
        throw std::invalid_argument(
            "upfirdn2d: this filter needs negative padding, which is "
            "not supported");
    }
    const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    at::Tensor out = x;
    if (up > 1) {
        // Zero insertion: [N, C, H, 1, W, 1] padded to [N, C, H, up, W, up].
        out = out.reshape({n, c, h, 1, w, 1});
        out = at::constant_pad_nd(out, {0, up - 1, 0, 0, 0, up - 1, 0, 0});
        out = out.reshape({n, c, h * up, w * up});
    }
    // Equal pads go to the convolution itself, which saves a copy of a large activation.
    int conv_pad = 0;
    if (pad0 == pad1) {
        conv_pad = pad0;
    } else {
        out = at::constant_pad_nd(out, {pad0, pad1, pad0, pad1});
    }
    // Both reference implementations convolve (not correlate) with the filter.
    at::Tensor kernel = f.flip({0, 1}).to(x.dtype()).reshape({1, 1, f.size(0), f.size(1)});
    kernel = kernel.expand({c, 1, f.size(0), f.size(1)}).contiguous();
    return at::conv2d(out, kernel, {}, {down, down}, {conv_pad, conv_pad}, {1, 1}, c);
}

at::Tensor bias_lrelu(const at::Tensor& x, const at::Tensor& bias, std::optional<double> clamp) {
    const int64_t c = bias.size(0);
    at::Tensor out = at::leaky_relu(x + bias.reshape({1, c, 1, 1}), 0.2) * std::sqrt(2.0);
    if (clamp) out = out.clamp(-*clamp, *clamp);
    return out;
}

at::Tensor demodulation(const at::Tensor& weight, const at::Tensor& styles, double scale) {
    // sum_k w^2 once per weight, then one matrix product for the whole batch.
    const at::Tensor wsq = weight.square().sum({2, 3}) * (scale * scale);  // [Cout, Cin]
    return at::rsqrt(at::matmul(styles.square(), wsq.t()) + 1e-8);
}

namespace {

// For one output phase `a` (0 or 1) of a stride-2 transposed convolution with k taps, the taps
// that land on it, in correlation order, aligned to the right of a window of `taps` entries.
at::Tensor phase_kernel(const at::Tensor& weight, int a_y, int a_x, int taps) {
    const int64_t k = weight.size(2);
    auto pick = [&](int a) {
        std::vector<int64_t> idx(taps, -1);
        const int count = static_cast<int>((k - a + 1) / 2);
        for (int j = 0; j < count; ++j) idx[taps - 1 - j] = a + 2 * j;
        return idx;
    };
    const auto iy = pick(a_y), ix = pick(a_x);
    at::Tensor out = at::zeros({weight.size(0), weight.size(1), taps, taps}, weight.options());
    std::vector<at::Tensor> rows;
    for (int ty = 0; ty < taps; ++ty) {
        std::vector<at::Tensor> cols;
        for (int tx = 0; tx < taps; ++tx) {
            if (iy[ty] < 0 || ix[tx] < 0) {
                cols.push_back(at::zeros({weight.size(0), weight.size(1)}, weight.options()));
            } else {
                cols.push_back(weight.select(2, iy[ty]).select(2, ix[tx]));
            }
        }
        rows.push_back(at::stack(cols, -1));
    }
    return at::stack(rows, -2);  // [Cout, Cin, taps, taps]
}

}  // namespace

at::Tensor conv_transpose_stride2(const at::Tensor& x, const at::Tensor& weight) {
    // y[2m + a] = sum_j x[m - j] * w[a + 2j]: each output phase a is an ordinary correlation
    // of x (padded by taps-1) with the taps of w that land on it. Packing the four phases as
    // 4*Cout output channels gives one convolution; a reshape interleaves them.
    const int64_t n = x.size(0), h = x.size(2), w = x.size(3);
    const int64_t cout = weight.size(0), k = weight.size(2);
    const int taps = static_cast<int>((k + 1) / 2);
    std::vector<at::Tensor> phases;
    for (int ay = 0; ay < 2; ++ay)
        for (int ax = 0; ax < 2; ++ax) phases.push_back(phase_kernel(weight, ay, ax, taps));
    // Order the packed channels as [Cout, ay, ax] so that the interleave is a plain reshape.
    const at::Tensor packed = at::stack(phases, 1).reshape({cout * 4, weight.size(1), taps, taps});
    at::Tensor y = at::conv2d(x, packed.to(x.dtype()).contiguous(x.suggest_memory_format()), {},
                              {1, 1}, {taps - 1, taps - 1});
    const int64_t ph = h + taps - 1, pw = w + taps - 1;  // rows per phase
    y = y.reshape({n, cout, 2, 2, ph, pw}).permute({0, 1, 4, 2, 5, 3});
    y = y.reshape({n, cout, 2 * ph, 2 * pw});
    const int64_t oh = 2 * h + k - 2, ow = 2 * w + k - 2;
    return y.narrow(2, 0, oh).narrow(3, 0, ow);
}

namespace {

// For one dimension: the x offsets j that any phase needs, and for each phase b and offset j
// the index into D (or -1 where D has no tap).
struct PhaseTaps {
    int64_t j_min = 0, j_max = 0;
    std::vector<int64_t> index;  // [2 * (j_max - j_min + 1)]
};

int64_t floor_div2(int64_t a) {
    return a >= 0 ? a / 2 : -((-a + 1) / 2);
}

PhaseTaps phase_taps(int64_t length, int64_t u_lo) {
    const int64_t u_hi = u_lo + length - 1;
    PhaseTaps t;
    t.j_min = std::min(-floor_div2(u_hi - 0), -floor_div2(u_hi - 1));  // ceil((b - u_hi) / 2)
    t.j_max = std::max(floor_div2(0 - u_lo), floor_div2(1 - u_lo));
    for (int64_t b = 0; b < 2; ++b) {
        for (int64_t j = t.j_min; j <= t.j_max; ++j) {
            const int64_t u = b - 2 * j;
            t.index.push_back(u >= u_lo && u <= u_hi ? u - u_lo : length);  // length: a zero
        }
    }
    return t;
}

}  // namespace

PolyphaseKernel pack_polyphase(const at::Tensor& D, int64_t u_lo) {
    const int64_t cout = D.size(0), cin = D.size(1), len = D.size(2);
    const PhaseTaps taps = phase_taps(len, u_lo);
    const int64_t span = taps.j_max - taps.j_min + 1;
    // Gather the taps of each phase from D padded with one zero row and column.
    const at::Tensor padded = at::constant_pad_nd(D, {0, 1, 0, 1});
    const at::Tensor idx =
        at::tensor(taps.index, at::TensorOptions().dtype(at::kLong)).to(D.device());
    at::Tensor packed = padded.index_select(2, idx).index_select(3, idx);  // [O, I, 2S, 2S]
    packed = packed.reshape({cout, cin, 2, span, 2, span}).permute({0, 2, 4, 1, 3, 5});
    PolyphaseKernel out;
    out.kernel = packed.reshape({cout * 4, cin, span, span});
    // A correlation over x offsets j_min..j_max: pad -j_min before and j_max after.
    out.pad_before = -taps.j_min;
    out.pad_after = taps.j_max;
    return out;
}

at::Tensor upsample2x_polyphase(const at::Tensor& x, const PolyphaseKernel& k, int64_t groups) {
    const int64_t n = x.size(0), h = x.size(2), w = x.size(3), cout = k.kernel.size(0) / 4;
    const auto format = x.suggest_memory_format();
    const at::Tensor kernel = k.kernel.to(x.dtype()).contiguous(format);
    at::Tensor in = x;
    int64_t pad = k.pad_before;
    if (k.pad_before != k.pad_after) {
        in = at::constant_pad_nd(x, {k.pad_before, k.pad_after, k.pad_before, k.pad_after});
        pad = 0;
    }
    const at::Tensor y = at::conv2d(in, kernel, {}, {1, 1}, {pad, pad}, {1, 1}, groups);
    // Pixel shuffle: channel o * 4 + b * 2 + c goes to pixel (2m + b, 2n + c) of channel o.
    if (format == at::MemoryFormat::ChannelsLast) {
        // Physical [N, H, W, O, 2, 2] -> [N, H, 2, W, 2, O]: one copy, channels-last result.
        at::Tensor p = y.permute({0, 2, 3, 1}).reshape({n, h, w, cout, 2, 2});
        p = p.permute({0, 1, 4, 2, 5, 3}).contiguous().reshape({n, 2 * h, 2 * w, cout});
        return p.permute({0, 3, 1, 2});
    }
    at::Tensor p = y.reshape({n, cout, 2, 2, h, w}).permute({0, 1, 4, 2, 5, 3});
    return p.reshape({n, cout, 2 * h, 2 * w});
}

bool compose_upsample_kernel(const at::Tensor& weight, const at::Tensor& f, int pad0, int pad1,
                             at::Tensor* D, int64_t* u_lo) {
    const int64_t k = weight.size(2), taps = f.size(0);
    // conv_transpose2d gives 2H + k - 2 rows; the filter adds pad0 + pad1 - taps + 1.
    if (k - 2 + pad0 + pad1 - taps + 1 != 0 || weight.size(3) != k || f.size(1) != taps) {
        return false;
    }
    // D[u] = sum_t w[u + t - (taps - 1)] * flip(f)[t] (u from 0), for every (out, in) pair:
    // one matrix product with the [k*k, L*L] matrix T of the filter's taps.
    const int64_t len = k + taps - 1;
    const at::Tensor ff = f.flip({0, 1}).to(at::kCPU, at::kFloat).contiguous();
    at::Tensor t = at::zeros({k * k, len * len}, at::kFloat);
    auto ta = t.accessor<float, 2>();
    auto fa = ff.accessor<float, 2>();
    for (int64_t ky = 0; ky < k; ++ky)
        for (int64_t kx = 0; kx < k; ++kx)
            for (int64_t ty = 0; ty < taps; ++ty)
                for (int64_t tx = 0; tx < taps; ++tx) {
                    const int64_t uy = ky - ty + taps - 1, ux = kx - tx + taps - 1;
                    ta[ky * k + kx][uy * len + ux] += fa[ty][tx];
                }
    const int64_t o = weight.size(0), i = weight.size(1);
    *D = at::matmul(weight.reshape({o * i, k * k}), t.to(weight.options()))
             .reshape({o, i, len, len});
    *u_lo = pad0 - taps + 1;
    return true;
}

at::Tensor upsample2d(const at::Tensor& x, const at::Tensor& f, int pad0, int pad1) {
    const int64_t taps = f.size(0), c = x.size(1);
    if (pad0 + pad1 != taps - 1 || f.size(1) != taps) return upfirdn2d(x, f, 2, 1, pad0, pad1);
    // For upfirdn2d the composite kernel is the filter itself.
    const at::Tensor D = f.to(x.dtype()).reshape({1, 1, taps, taps}).expand({c, 1, taps, taps});
    return upsample2x_polyphase(x, pack_polyphase(D, pad0 - taps + 1), c);
}

at::Tensor minibatch_stddev(const at::Tensor& x, int group_size, int num_channels) {
    const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const int64_t g = std::min<int64_t>(group_size > 0 ? group_size : n, n);
    if (n % g != 0) {
        throw std::invalid_argument(
            "the discriminator needs a batch that is a multiple of its "
            "minibatch-stddev group size " +
            std::to_string(g) + " (got " + std::to_string(n) + ")");
    }
    const int64_t f = num_channels;
    at::Tensor y = x.reshape({g, -1, f, c / f, h, w});
    y = y - y.mean(0);
    y = y.square().mean(0);
    y = (y + 1e-8).sqrt();
    y = y.mean({2, 3, 4});  // [n/g, F]
    y = y.reshape({-1, f, 1, 1}).repeat({g, 1, h, w});
    return at::cat({x, y}, 1);
}

}  // namespace ls::ops
