// Adam, as torch.optim.Adam computes it, over named parameters, with its state saved in and
// restored from safetensors files by parameter name.
//
// Written here rather than taken from torch::optim because that class keys its state by the
// address of each tensor (as a string in LibTorch 1.13, as a pointer in 2.x): saving and
// restoring it by name, as a resumable checkpoint needs, would differ between the Debian
// LibTorch and the CUDA one that GPU hosts build against.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <utility>
#include <vector>

#include "io/safetensors.h"

namespace torch::nn {
class Module;
}

namespace ls::train {

struct AdamOptions {
    double lr = 0.002;
    double beta1 = 0.0, beta2 = 0.99;  // StyleGAN2's
    double eps = 1e-8;
};

class Adam {
  public:
    using NamedParams = std::vector<std::pair<std::string, at::Tensor>>;
    Adam(NamedParams params, AdamOptions options);

    void zero_grad();
    // One update of every parameter that has a gradient.
    void step();
    int64_t steps() const { return steps_; }
    // A learning-rate schedule (the inversion's ramp up and down) changes it between steps.
    void set_lr(double lr) { options_.lr = lr; }
    const AdamOptions& options() const { return options_; }

    // State tensors under `prefix` + name + ".exp_avg" / ".exp_avg_sq".
    void append_state(const std::string& prefix, std::vector<io::TensorBytes>* out) const;
    void load_state(const io::SafetensorsFile& file, const std::string& prefix, int64_t steps);

  private:
    NamedParams params_;
    std::vector<at::Tensor> exp_avg_, exp_avg_sq_;
    AdamOptions options_;
    int64_t steps_ = 0;
};

// A module's parameters with their names, for Adam.
Adam::NamedParams named_parameters_of(torch::nn::Module& module);

}  // namespace ls::train
