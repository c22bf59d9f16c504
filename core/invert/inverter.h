// Finding a photo in the generator's latent space (in-domain GAN inversion, Zhu et al. 2020;
// masked as in mGANprior, Gu et al. 2020): start from the model's encoder when it has one (else
// from the average code), then optimise W+ (or one w shared by all layers) so that the
// generated image matches the target.
//
// The loss: a pixel term (MSE), a structural term (1 - SSIM), a perceptual term from the
// discriminator's features when the model ships its discriminator, a regulariser that keeps
// the code near what the encoder predicts for its own image (in-domain: ||w - E(G(w))||^2)
// and one that keeps it near the average code. Noise is held fixed (the model's constant
// noise). With a mask, every term counts only the known pixels, so the generator fills the
// rest from its prior.
//
// The Inverter runs one step at a time so that a caller (the editor's worker thread, the
// command line) can show progress, preview the best code so far and stop at any step.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ls::nn {
class GeneratorImpl;
class DiscriminatorImpl;
}  // namespace ls::nn
namespace ls::train {
class FeatureNetImpl;
}

namespace ls::invert {

struct InvertOptions {
    int steps = 100;
    double lr = 0.05;                // Adam's peak learning rate, ramped up and down (cosine)
    bool wplus = true;               // false: one w for every layer (W space)
    double pixel_weight = 1.0;       // MSE on -1..1
    double ssim_weight = 0.5;        // 1 - SSIM
    double feature_weight = 0.05;    // discriminator features (ignored without a discriminator)
    double encoder_weight = 0.01;    // ||w - E(G(w))||^2 (ignored without an encoder)
    double average_weight = 0.0005;  // ||w - w_avg||^2
    double init_jitter = 0.0;        // standard deviation of noise added to the start code
    uint64_t seed = 0;               // for the jitter; everything else is deterministic
    bool use_encoder = true;         // false: start from the average code even with an encoder
};

// "fast", "balanced" or "best"; throws std::invalid_argument naming the three otherwise.
InvertOptions preset(const std::string& name);
std::vector<std::string> preset_names();

struct StepReport {
    int step = 0, steps = 0;  // steps done, of how many
    double loss = 0;          // of the code before this step's update
    double best_loss = 0;
};

class Inverter {
  public:
    // `target` [1, 3, R, R] in -1..1 at the generator's resolution; `known` [1, 1, R, R] with
    // 1 where the loss counts (undefined: everywhere). `d` and `encoder` may be null.
    Inverter(nn::GeneratorImpl& g, nn::DiscriminatorImpl* d, train::FeatureNetImpl* encoder,
             const at::Tensor& target, const at::Tensor& known, const InvertOptions& options);
    ~Inverter();
    Inverter(const Inverter&) = delete;
    Inverter& operator=(const Inverter&) = delete;

    bool done() const { return step_ >= options_.steps; }
    // One optimisation step; throws std::logic_error when done().
    StepReport step();
    // The code with the lowest loss seen so far (the start code before any step), [1, L, w_dim].
    at::Tensor best_wplus() const { return best_; }
    double best_loss() const { return best_loss_; }
    // G(best_wplus()), [1, 3, R, R] (kept from the step that found it: no new synthesis).
    at::Tensor best_image() const;

  private:
    at::Tensor code_to_wplus(const at::Tensor& code) const;
    at::Tensor loss_of(const at::Tensor& wplus, const at::Tensor& image) const;
    double lr_at(int step) const;

    nn::GeneratorImpl& g_;
    nn::DiscriminatorImpl* d_;
    train::FeatureNetImpl* encoder_;
    InvertOptions options_;
    at::Tensor target_, known_;
    std::vector<at::Tensor> target_features_;  // of the target, when there is no mask
    at::Tensor code_, best_;
    at::Tensor best_image_;  // G(best_), kept from the step that found it
    double best_loss_;
    int step_ = 0;
    struct Optimiser;
    std::unique_ptr<Optimiser> opt_;
};

struct InvertResult {
    at::Tensor wplus;  // the best code, [1, L, w_dim]
    double loss = 0;
    int steps_run = 0;
    bool cancelled = false;
    double seconds = 0;
};

// Runs the Inverter to the end, or until `progress` returns false (then the best code so far
// is returned, with cancelled set).
using ProgressFn = std::function<bool(const StepReport&, const Inverter&)>;
InvertResult invert(nn::GeneratorImpl& g, nn::DiscriminatorImpl* d, train::FeatureNetImpl* encoder,
                    const at::Tensor& target, const at::Tensor& known, const InvertOptions& options,
                    const ProgressFn& progress = {});

}  // namespace ls::invert
