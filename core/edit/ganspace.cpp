#include "edit/ganspace.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "edit/sefa.h"

namespace ls::edit {

PcaResult pca(const at::Tensor& codes, int k) {
    if (codes.dim() != 2 || codes.size(0) < 2) {
        throw std::invalid_argument("PCA needs codes [N, w_dim] with N >= 2");
    }
    const int64_t d = codes.size(1);
    if (k < 1 || k > d) {
        throw std::invalid_argument("--top must be 1.." + std::to_string(d) + ", not " +
                                    std::to_string(k));
    }
    const at::Tensor x = codes.detach().to(at::kCPU, at::kDouble);
    const at::Tensor mean = x.mean(0);
    const at::Tensor centred = x - mean;
    // The d x d covariance, not an SVD of the N x d samples: N is usually far larger than d.
    const at::Tensor cov = at::matmul(centred.t(), centred) / static_cast<double>(x.size(0) - 1);
    auto [values, vectors] = at::linalg_eigh(cov);  // ascending
    const at::Tensor order = at::arange(d - 1, d - 1 - k, -1, at::kLong);
    PcaResult r;
    r.components = canonical_signs(vectors.index_select(1, order).t()).to(at::kFloat).contiguous();
    r.stddev = values.index_select(0, order).clamp_min(0).sqrt().to(at::kFloat);
    r.mean = mean.to(at::kFloat);
    r.samples = x.size(0);
    return r;
}

PcaResult ganspace(nn::GeneratorImpl& g, int64_t samples, int k, uint64_t seed) {
    if (samples < 2) throw std::invalid_argument("--samples must be at least 2");
    torch::NoGradGuard no_grad;
    at::Generator gen = at::detail::createCPUGenerator(seed);
    const int64_t batch = 4096;
    std::vector<at::Tensor> ws;
    for (int64_t start = 0; start < samples; start += batch) {
        const int64_t n = std::min(batch, samples - start);
        const at::Tensor z = at::randn({n, g.config().z_dim}, gen, at::kFloat);
        ws.push_back(g.mapping(z.to(g.latent_avg.device())).cpu());
    }
    return pca(at::cat(ws, 0), k);
}

}  // namespace ls::edit
