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

void check_range(const GeneratorConfig& c, const LayerRange& r) {
    if (r.first < 0 || r.first > r.last || r.last >= c.num_ws()) {
        throw std::invalid_argument("layer range " + r.to_string() + " is outside 0-" +
                                    std::to_string(c.num_ws() - 1));
    }
}

}  // namespace

at::Tensor stacked_modulation_weights(nn::GeneratorImpl& g, const LayerRange& range,
                                      const SefaOptions& options) {
    check_range(g.config(), range);
    torch::NoGradGuard no_grad;
    std::vector<at::Tensor> weights;
    for (int l = range.first; l <= range.last; ++l) {
        append_layer_weights(g, l, options.include_to_rgb, &weights);
    }
    if (weights.empty()) {
        throw std::invalid_argument("layers " + range.to_string() +
                                    " feed only ToRGB layers; include them to factorise");
    }
    for (auto& w : weights) w = w.detach().to(at::kCPU, at::kDouble);
    at::Tensor a = at::cat(weights, 0);
    if (options.unit_rows) a = a / a.norm(2, {1}, true).clamp_min(1e-12);
    return a;
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
    const at::Tensor a = stacked_modulation_weights(g, range, options);
    // A^T A is only w_dim x w_dim, whatever the number of stacked rows: its symmetric
    // eigen-decomposition is far cheaper than an SVD of A, and float64 keeps the small
    // eigenvalues (and their vectors) accurate.
    const at::Tensor gram = at::matmul(a.t(), a);
    auto [values, vectors] = at::linalg_eigh(gram);  // ascending
    const at::Tensor order = at::arange(w_dim - 1, w_dim - 1 - k, -1, at::kLong);
    SefaResult r;
    r.eigenvalues = values.index_select(0, order).clamp_min(0);
    r.directions = canonical_signs(vectors.index_select(1, order).t()).to(at::kFloat).contiguous();
    r.range = range;
    r.stacked_rows = a.size(0);
    return r;
}

}  // namespace ls::edit
