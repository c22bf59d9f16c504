// GANSpace (Härkönen et al.): principal components of w over many sampled codes. Each
// component's standard deviation gives its slider a natural scale (strength 1 = 1 sigma).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

#include "model/generator.h"

namespace ls::edit {

struct PcaResult {
    at::Tensor components;  // [k, w_dim] float32, unit rows, largest variance first
    at::Tensor stddev;      // [k] float32, the standard deviation along each component
    at::Tensor mean;        // [w_dim] float32
    int64_t samples = 0;
};

// PCA of `codes` [N, w_dim] (N >= 2): eigenvectors of the sample covariance. Component signs
// are fixed as SeFa's (largest entry positive). Throws std::invalid_argument for bad sizes.
PcaResult pca(const at::Tensor& codes, int k);

// Maps `samples` z ~ N(0, I) drawn from `seed` to w (in batches) and runs pca on them.
PcaResult ganspace(nn::GeneratorImpl& g, int64_t samples, int k, uint64_t seed = 0);

}  // namespace ls::edit
