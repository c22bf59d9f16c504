#include "invert/inverter.h"

#include <c10/core/InferenceMode.h>
#include <torch/nn/module.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "invert/image_metrics.h"
#include "model/discriminator.h"
#include "model/generator.h"
#include "train/adam.h"
#include "train/feature_net.h"
#include "train/net_trainers.h"

namespace ls::invert {

InvertOptions preset(const std::string& name) {
    InvertOptions o;
    // Step counts from bench-invert on the embedded model (docs/benchmarks.md): 20 steps
    // already add about 6 dB to the encoder's start on generated images, 50 about 13 dB.
    if (name == "fast") {
        o.steps = 20;
        o.lr = 0.05;
    } else if (name == "balanced") {
        o.steps = 50;
        o.lr = 0.05;
    } else if (name == "best") {
        o.steps = 200;
        o.lr = 0.03;
    } else {
        throw std::invalid_argument("unknown inversion preset '" + name +
                                    "': use fast, balanced or best");
    }
    return o;
}

std::vector<std::string> preset_names() {
    return {"fast", "balanced", "best"};
}

struct Inverter::Optimiser {
    train::Adam adam;
};

namespace {

constexpr double kPi = 3.14159265358979323846;

void freeze(torch::nn::Module& m) {
    for (auto& p : m.parameters()) p.requires_grad_(false);
}

}  // namespace

Inverter::Inverter(nn::GeneratorImpl& g, nn::DiscriminatorImpl* d, train::FeatureNetImpl* encoder,
                   const at::Tensor& target, const at::Tensor& known, const InvertOptions& options)
    : g_(g), d_(options.feature_weight > 0 ? d : nullptr), encoder_(encoder), options_(options) {
    if (c10::InferenceMode::is_enabled()) {
        throw std::logic_error("the inversion needs gradients: do not run it in InferenceMode");
    }
    const auto& c = g.config();
    const int64_t r = c.resolution;
    if (target.dim() != 4 || target.size(0) != 1 || target.size(1) != c.img_channels ||
        target.size(2) != r || target.size(3) != r) {
        throw std::invalid_argument("the inversion target must be [1, " +
                                    std::to_string(c.img_channels) + ", " + std::to_string(r) +
                                    ", " + std::to_string(r) + "]");
    }
    if (known.defined() && (known.dim() != 4 || known.size(0) != 1 || known.size(1) != 1 ||
                            known.size(2) != r || known.size(3) != r)) {
        throw std::invalid_argument("the mask must be [1, 1, " + std::to_string(r) + ", " +
                                    std::to_string(r) + "]");
    }
    if (options.steps < 0) throw std::invalid_argument("the step count must be 0 or more");
    if (known.defined() && known.sum().item<double>() < 1) {
        throw std::invalid_argument("the mask covers the whole image: nothing is left to match");
    }
    freeze(g);
    if (d_) freeze(*d_);
    if (encoder_) freeze(*encoder_);
    const at::Device device = g.latent_avg.device();
    target_ = target.to(device, at::kFloat);
    if (known.defined()) known_ = known.to(device, at::kFloat).clamp(0, 1);

    at::NoGradGuard no_grad;
    const at::Tensor avg = g.latent_avg.to(at::kFloat).view({1, 1, -1}).expand({1, c.num_ws(), -1});
    at::Tensor start = avg.clone();
    if (encoder_ && options.use_encoder) {
        // Unknown pixels would mislead the encoder: show it the average face there instead.
        at::Tensor seen = target_;
        if (known_.defined()) {
            const at::Tensor fill = g.synthesis(avg.contiguous(), nn::NoiseMode::Const);
            seen = known_ * target_ + (1 - known_) * fill;
        }
        const int64_t er = encoder_->config().resolution;
        if (er != r) seen = at::upsample_bilinear2d(seen, {er, er}, false);
        start = train::encode(*encoder_, g, seen).to(at::kFloat);
    }
    if (options.init_jitter > 0) {
        at::Generator gen = at::detail::createCPUGenerator(options.seed);
        start = start + at::randn(start.sizes(), gen, at::kFloat).to(device) * options.init_jitter;
    }
    code_ = options.wplus ? start.clone() : start.mean(1, true).clone();
    code_.requires_grad_(true);
    if (d_ && !known_.defined()) {
        for (const at::Tensor& f : d_->features(target_)) target_features_.push_back(f.detach());
    }
    best_ = code_to_wplus(code_).detach().clone();
    best_image_ = g.synthesis(best_, nn::NoiseMode::Const).detach();
    best_loss_ = loss_of(best_, best_image_).item<double>();
    opt_ = std::make_unique<Optimiser>(Optimiser{
        train::Adam({{"code", code_}}, train::AdamOptions{options.lr, 0.9, 0.999, 1e-8})});
}

Inverter::~Inverter() = default;

at::Tensor Inverter::code_to_wplus(const at::Tensor& code) const {
    return options_.wplus ? code : code.expand({1, g_.config().num_ws(), -1});
}

at::Tensor Inverter::loss_of(const at::Tensor& wplus, const at::Tensor& image) const {
    // With a mask, the hidden pixels of the target are replaced by the current image's own
    // (detached): every term then sees identical content there, so the hidden pixels cannot
    // influence the result at all, even through SSIM windows or the discriminator's receptive
    // fields that straddle the mask's edge.
    const at::Tensor target =
        known_.defined() ? known_ * target_ + (1 - known_) * image.detach() : target_;
    at::Tensor loss = masked_mse(image, target, known_) * options_.pixel_weight;
    if (options_.ssim_weight > 0) {
        loss = loss + (1 - ssim(image, target, known_)) * options_.ssim_weight;
    }
    if (d_) {
        // The discriminator's features as a perceptual distance (in-domain inversion uses a
        // VGG; the model's own discriminator is what every model here has). The first entry
        // is the input layer's output, too close to pixels to add anything.
        const auto features = d_->features(image);
        std::vector<at::Tensor> masked_target_features;
        if (known_.defined()) {
            at::NoGradGuard no_grad;
            masked_target_features = d_->features(target);
        }
        const auto& wanted = known_.defined() ? masked_target_features : target_features_;
        const double w = options_.feature_weight / static_cast<double>(features.size() - 1);
        for (size_t l = 1; l < features.size(); ++l) {
            loss = loss + masked_mse(features[l], wanted[l]) * w;
        }
    }
    if (encoder_ && options_.encoder_weight > 0) {
        // In-domain regulariser: the code should be what the encoder predicts for its image.
        at::Tensor seen = image;
        const int64_t er = encoder_->config().resolution;
        if (er != image.size(2)) seen = at::upsample_bilinear2d(seen, {er, er}, false);
        loss = loss + (wplus - train::encode(*encoder_, g_, seen)).square().mean() *
                          options_.encoder_weight;
    }
    if (options_.average_weight > 0) {
        loss =
            loss + (wplus - g_.latent_avg.to(at::kFloat)).square().mean() * options_.average_weight;
    }
    return loss;
}

double Inverter::lr_at(int step) const {
    // StyleGAN2's projector schedule: a short linear ramp up, a cosine ramp down over the last
    // quarter, so that the last steps settle instead of jumping around the optimum.
    const double t = options_.steps > 0 ? static_cast<double>(step) / options_.steps : 1.0;
    double ramp = std::min(1.0, (1.0 - t) / 0.25);
    ramp = 0.5 - 0.5 * std::cos(ramp * kPi);
    ramp *= std::min(1.0, t / 0.05 + 0.05);
    return options_.lr * ramp;
}

StepReport Inverter::step() {
    if (done()) throw std::logic_error("the inversion has already run all its steps");
    at::AutoGradMode grad(true);
    opt_->adam.zero_grad();
    const at::Tensor wplus = code_to_wplus(code_);
    const at::Tensor image = g_.synthesis(wplus, nn::NoiseMode::Const);
    const at::Tensor loss = loss_of(wplus, image);
    loss.backward();
    const double value = loss.item<double>();
    if (value < best_loss_) {
        best_loss_ = value;
        best_ = wplus.detach().clone();
        // G(best_) is this step's image: kept, so that previews and the result cost no
        // second synthesis (a preview every other step made an inversion a third slower).
        best_image_ = image.detach();
    }
    opt_->adam.set_lr(lr_at(step_));
    opt_->adam.step();
    ++step_;
    if (done()) {
        // The last update has not been measured yet.
        at::NoGradGuard no_grad;
        const at::Tensor last = code_to_wplus(code_).detach();
        const at::Tensor last_image = g_.synthesis(last, nn::NoiseMode::Const);
        const double last_loss = loss_of(last, last_image).item<double>();
        if (last_loss < best_loss_) {
            best_loss_ = last_loss;
            best_ = last.clone();
            best_image_ = last_image;
        }
    }
    return StepReport{step_, options_.steps, value, best_loss_};
}

at::Tensor Inverter::best_image() const {
    return best_image_;
}

InvertResult invert(nn::GeneratorImpl& g, nn::DiscriminatorImpl* d, train::FeatureNetImpl* encoder,
                    const at::Tensor& target, const at::Tensor& known, const InvertOptions& options,
                    const ProgressFn& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    Inverter inverter(g, d, encoder, target, known, options);
    InvertResult result;
    while (!inverter.done()) {
        const StepReport r = inverter.step();
        ++result.steps_run;
        if (progress && !progress(r, inverter)) {
            result.cancelled = !inverter.done();
            break;
        }
    }
    result.wplus = inverter.best_wplus();
    result.loss = inverter.best_loss();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
}

}  // namespace ls::invert
