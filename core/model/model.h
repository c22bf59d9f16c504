// A loaded model: the generator (and the discriminator when the file has one), on a device.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <string>

#include "model/checkpoint.h"
#include "model/discriminator.h"
#include "model/generator.h"
#include "model/manifest.h"

namespace ls {

struct Model {
    std::string path;
    std::optional<ModelManifest> manifest;  // when the model came from a model folder
    std::string format;                 // "rosinality-pt", "stylegan2-ada-pkl", "random"
    std::string serialization;          // "zip", "legacy", "pickle", ""
    bool latent_avg_estimated = false;  // the file had none: estimated from samples
    nn::Generator generator{nullptr};
    nn::Discriminator discriminator{nullptr};  // null when the file has none
};

// Reads `path` and builds the networks on `device`. Throws io::FormatError / ModelError.
Model load_model(const std::string& path, const at::Device& device = at::kCPU);

// Networks of the given configuration with random weights (benchmarks, tests).
Model random_model(const GeneratorConfig& g, const std::optional<DiscriminatorConfig>& d,
                   uint64_t seed, const at::Device& device = at::kCPU);

// Copies every parameter and buffer of `module` from `state` (rosinality keys), checking
// names and shapes; throws ModelError naming the first missing or mismatched tensor.
void load_state(torch::nn::Module& module, const StateDict& state, const std::string& what);

// The mean of w over `samples` mapped z ~ N(0, I) drawn from `seed`.
at::Tensor estimate_latent_avg(nn::GeneratorImpl& g, int samples = 10000, uint64_t seed = 0);

// Samples z [count, z_dim] the way NumPy's RandomState(seed).randn(count, z_dim) does, so
// that a seed gives the same z as the reference codes' generate scripts.
at::Tensor z_from_seed(uint64_t seed, int64_t count, int64_t z_dim);

}  // namespace ls
