// Training the attribute classifier (on rendered portraits and their labels) and the encoder
// (on the generator's own samples), and finding InterFaceGAN boundaries for every attribute
// with them.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "edit/boundary.h"
#include "edit/layer_range.h"
#include "model/discriminator.h"
#include "model/generator.h"
#include "train/feature_net.h"

namespace ls::train {

// Called every few iterations with (iteration, loss); returning false stops training.
using Progress = std::function<bool(int64_t iteration, double loss)>;

struct ClassifierOptions {
    int resolution = 64;
    int channel_max = 128;
    int batch = 64;
    double lr = 0.002;
    int64_t iterations = 2000;
    uint64_t seed = 0;
};

// Attribute values scaled from their ranges to -1..1 (the classifier's targets).
at::Tensor normalise_attributes(const at::Tensor& labels);

FeatureNet train_classifier(const ClassifierOptions& options, const at::Device& device,
                            const Progress& progress = {});

struct AttributeMetrics {
    std::string name;
    bool binary = false;
    // The share of images where the prediction is on the right side of the attribute's middle
    // (for continuous attributes, counted on images at least 0.25 of the half-range away).
    double accuracy = 0;
    double mean_abs_error = 0;  // on the -1..1 scale
    double correlation = 0;
};
// Held-out portraits: seeds from `first_seed` (training uses seeds below 2^40).
std::vector<AttributeMetrics> evaluate_classifier(FeatureNetImpl& classifier, int count,
                                                  const at::Device& device,
                                                  uint64_t first_seed = uint64_t(1) << 40);

struct EncoderOptions {
    int batch = 16;
    double lr = 0.001;
    int64_t iterations = 2000;
    int channel_max = 256;
    double code_weight = 1.0, image_weight = 1.0, feature_weight = 0.1;
    double psi_min = 0.5;  // codes are sampled with truncation psi in [psi_min, 1]
    uint64_t seed = 0;
};

// The encoder predicts W+ - latent_avg; encode() adds it back.
FeatureNet train_encoder(nn::GeneratorImpl& g, nn::DiscriminatorImpl* d,
                         const EncoderOptions& options, const at::Device& device,
                         const Progress& progress = {});
at::Tensor encode(FeatureNetImpl& encoder, nn::GeneratorImpl& g, const at::Tensor& images);

struct AttributeBoundary {
    std::string name;
    edit::BoundaryResult result;
    double slider_scale = 3.0;  // 3 standard deviations of w along the normal
};

// Samples `count` codes (seeds 0..count-1), scores their images with the classifier and fits
// one boundary per classifier output.
std::vector<AttributeBoundary> attribute_boundaries(nn::GeneratorImpl& g,
                                                    FeatureNetImpl& classifier,
                                                    const std::vector<std::string>& names,
                                                    int count, const edit::BoundaryOptions& options,
                                                    const Progress& progress = {});

struct GradientDirection {
    std::string name;
    at::Tensor direction;       // [w_dim] float32, unit length, towards higher scores
    edit::LayerRange layers;    // the W+ layers it was made for and should move
    double slider_scale = 3.0;  // 3 standard deviations of w along it
    double mean_slope = 0;      // the mean gradient's component along it (score per unit of w)
};

enum class GradientMethod {
    // The mean gradient of the score, made orthogonal to every other output's mean gradient.
    // A move along it changes that score and, on average over codes, to first order none of
    // the others: InterFaceGAN's conditional manipulation, with mean gradients in place of the
    // SVM normals (which, fitted on a few percent of extreme codes, need not follow the score
    // where most codes lie).
    OrthogonalMean,
    // Also specific code by code: the others' mean gradients cancel on average, yet each code
    // has side effects of its own. d = (A + ridge * tr(A)/D * I)^-1 m, where m is the target's
    // mean gradient and A = the mean over the other outputs of E[g g^T] (each code's own
    // gradient g). Without the ridge this maximises (m.d)^2 / (d^T A d): the target's mean
    // change against the others' mean squared change, code by code (a generalised Rayleigh
    // quotient); the ridge keeps the solve well conditioned where few codes span A.
    Specific,
};

struct GradientDirectionOptions {
    int count = 512;  // codes, seeds 0..count-1
    GradientMethod method = GradientMethod::OrthogonalMean;
    // The W+ layers a direction will move: gradients are taken with respect to W+ and summed
    // over these layers. Unset: all of them (the gradient with respect to w).
    std::optional<edit::LayerRange> layers;
    double ridge = 0.01;  // Specific only, relative to A's mean eigenvalue
};

// Classifier-guided directions, for attributes whose SVM boundary also moves the others (the
// default model's smile): one per classifier output, from the gradients of its score over
// sampled codes; see GradientMethod.
std::vector<GradientDirection> attribute_gradient_directions(
    nn::GeneratorImpl& g, FeatureNetImpl& classifier, const std::vector<std::string>& names,
    const GradientDirectionOptions& options, const Progress& progress = {});

}  // namespace ls::train
