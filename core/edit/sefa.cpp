#include "edit/sefa.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace ls::edit {

namespace {

// The modulation weights of the layers that read W+ layer `l` (rosinality's indexing:
// conv1 reads 0, to_rgb1 reads 1; block b >= 1 reads 2b-1 in its upsampling conv, 2b in its
// second conv and 2b+1 in its ToRGB, so an odd layer also feeds the next block's first conv).
void append_layer_weights(nn::GeneratorImpl& g, int l, bool include_to_rgb,
                          std::vector<at::Tensor>* out) {
    auto conv_weight = [&](size_t i) {
        if (i < g.convs->size()) {
            out->push_back(g.convs[i]->as<nn::StyledConvImpl>()->conv->modulation->weight);
        }
    };
    if (l == 0) {
        out->push_back(g.conv1->conv->modulation->weight);
        return;
    }
    if (l % 2 == 0) {
        conv_weight(static_cast<size_t>(l - 1));
        return;
    }
    const int b = (l - 1) / 2;  // the block whose ToRGB reads l
    if (include_to_rgb) {
        out->push_back(b == 0 ? g.to_rgb1->conv->modulation->weight
                              : g.to_rgbs[b - 1]->as<nn::ToRGBImpl>()->conv->modulation->weight);
    }
    conv_weight(static_cast<size_t>(l - 1));  // the next block's upsampling conv
}

// W^T W of one layer's weights W [rows, w_dim], float64. Why not simply a matmul: Debian's
// LibTorch runs matmul on the reference BLAS (one thread, about 5 GFLOP/s: A^T A of a
// 1024 px model took 0.9 s), while oneDNN does the same product ten times faster as a 1x1
// convolution: the rows are input channels, the w_dim columns pixels, W^T the kernel. Called
// directly, as at::conv2d would send a one-thread 1x1 convolution back to the BLAS. Each layer
// sums at most 512 products in float32 (relative error ~1e-7); layers add up in float64.
at::Tensor layer_gram(const at::Tensor& w) {
    if (!at::hasMKLDNN()) {
        const at::Tensor d = w.to(at::kDouble);
        return at::matmul(d.t(), d);
    }
    const int64_t rows = w.size(0), d = w.size(1);
    const at::Tensor x = w.reshape({1, rows, 1, d});
    const at::Tensor kernel = w.t().contiguous().reshape({d, rows, 1, 1});
    return at::mkldnn_convolution(x, kernel, {}, {0, 0}, {1, 1}, {1, 1}, 1)
        .reshape({d, d})
        .to(at::kDouble);
}

// The modulation weights of the layers fed by `range`, float32 on the CPU, rows normalised
// when asked.
std::vector<at::Tensor> modulation_weights(nn::GeneratorImpl& g, const LayerRange& range,
                                           const SefaOptions& options) {
    check_layer_range(g.config(), range);
    torch::NoGradGuard no_grad;
    std::vector<at::Tensor> weights;
    for (int l = range.first; l <= range.last; ++l) {
        append_layer_weights(g, l, options.include_to_rgb, &weights);
    }
    if (weights.empty()) {
        throw std::invalid_argument("layers " + range.to_string() +
                                    " feed only ToRGB layers; include them to factorise");
    }
    for (auto& w : weights) {
        w = w.detach().to(at::kCPU, at::kFloat).contiguous();
        if (options.unit_rows) w = w / w.norm(2, {1}, true).clamp_min(1e-12);
    }
    return weights;
}

}  // namespace

at::Tensor stacked_modulation_weights(nn::GeneratorImpl& g, const LayerRange& range,
                                      const SefaOptions& options) {
    return at::cat(modulation_weights(g, range, options), 0).to(at::kDouble);
}

at::Tensor canonical_signs(const at::Tensor& directions) {
    const at::Tensor peak = directions.abs().argmax(1, true);
    const at::Tensor sign = directions.gather(1, peak).sign();
    return directions * at::where(sign == 0, at::ones_like(sign), sign);
}

SefaResult sefa(nn::GeneratorImpl& g, const LayerRange& range, int k, const SefaOptions& options) {
    const int w_dim = g.config().w_dim;
    if (k < 1 || k > w_dim) {
        throw std::invalid_argument("--top must be 1.." + std::to_string(w_dim) + ", not " +
                                    std::to_string(k));
    }
    // A^T A = sum over layers of W^T W is only w_dim x w_dim, whatever the number of stacked
    // rows: its symmetric eigen-decomposition (in float64) is far cheaper than an SVD of A.
    torch::NoGradGuard no_grad;
    at::Tensor gram = at::zeros({w_dim, w_dim}, at::kDouble);
    int64_t rows = 0;
    for (const auto& w : modulation_weights(g, range, options)) {
        gram += layer_gram(w);
        rows += w.size(0);
    }
    gram = (gram + gram.t()) * 0.5;                  // exactly symmetric, as eigh assumes
    auto [values, vectors] = at::linalg_eigh(gram);  // ascending
    const at::Tensor order = at::arange(w_dim - 1, w_dim - 1 - k, -1, at::kLong);
    SefaResult r;
    r.eigenvalues = values.index_select(0, order).clamp_min(0);
    r.directions = canonical_signs(vectors.index_select(1, order).t()).to(at::kFloat).contiguous();
    r.range = range;
    r.stacked_rows = rows;
    return r;
}

}  // namespace ls::edit
