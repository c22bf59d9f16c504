#include "train/adam.h"

#include <torch/nn/module.h>

#include <cmath>

#include "model/checkpoint.h"
#include "model/model_file.h"

namespace ls::train {

Adam::Adam(NamedParams params, AdamOptions options)
    : params_(std::move(params)), options_(options) {
    for (const auto& [name, p] : params_) {
        exp_avg_.push_back(at::zeros_like(p, at::MemoryFormat::Preserve));
        exp_avg_sq_.push_back(at::zeros_like(p, at::MemoryFormat::Preserve));
    }
}

Adam::NamedParams named_parameters_of(torch::nn::Module& module) {
    Adam::NamedParams out;
    for (auto& p : module.named_parameters(true)) out.emplace_back(p.key(), p.value());
    return out;
}

void Adam::zero_grad() {
    for (auto& [name, p] : params_) {
        if (p.grad().defined()) p.mutable_grad() = at::Tensor();
    }
}

void Adam::step() {
    at::NoGradGuard no_grad;
    ++steps_;
    const double bc1 = 1.0 - std::pow(options_.beta1, static_cast<double>(steps_));
    const double bc2 = 1.0 - std::pow(options_.beta2, static_cast<double>(steps_));
    const double step_size = options_.lr / bc1;
    for (size_t i = 0; i < params_.size(); ++i) {
        at::Tensor& p = params_[i].second;
        const at::Tensor& g = p.grad();
        if (!g.defined()) continue;
        // torch.optim.Adam's update (without weight decay or amsgrad).
        exp_avg_[i].mul_(options_.beta1).add_(g, 1.0 - options_.beta1);
        exp_avg_sq_[i].mul_(options_.beta2).addcmul_(g, g, 1.0 - options_.beta2);
        const at::Tensor denom = (exp_avg_sq_[i].sqrt() / std::sqrt(bc2)).add_(options_.eps);
        p.addcdiv_(exp_avg_[i], denom, -step_size);
    }
}

void Adam::append_state(const std::string& prefix, std::vector<io::TensorBytes>* out) const {
    for (size_t i = 0; i < params_.size(); ++i) {
        out->push_back(
            tensor_bytes(prefix + params_[i].first + ".exp_avg", exp_avg_[i], io::DType::Float32));
        out->push_back(tensor_bytes(prefix + params_[i].first + ".exp_avg_sq", exp_avg_sq_[i],
                                    io::DType::Float32));
    }
}

void Adam::load_state(const io::SafetensorsFile& file, const std::string& prefix, int64_t steps) {
    const StateDict state = tensors_with_prefix(file, prefix);
    at::NoGradGuard no_grad;
    auto copy = [&](const std::string& key, at::Tensor& target) {
        auto it = state.find(key);
        if (it == state.end() || it->second.sizes() != target.sizes()) {
            throw ModelError("the checkpoint's optimiser state lacks '" + prefix + key +
                             "' or has another shape");
        }
        target.copy_(it->second);
    };
    for (size_t i = 0; i < params_.size(); ++i) {
        copy(params_[i].first + ".exp_avg", exp_avg_[i]);
        copy(params_[i].first + ".exp_avg_sq", exp_avg_sq_[i]);
    }
    steps_ = steps;
}

}  // namespace ls::train
