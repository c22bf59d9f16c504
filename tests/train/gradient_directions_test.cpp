// Classifier-guided directions (train::attribute_gradient_directions) on a tiny random
// generator and classifier, checked with forward passes only: central differences of the
// scores along each direction, not the gradients the directions were made from.
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/generator.h"
#include "model/model.h"
#include "train/feature_net.h"
#include "train/net_trainers.h"

namespace ls::train {
namespace {

// A tiny random generator (6 W+ layers) and a three-output classifier.
struct TinyPair {
    GeneratorConfig gc;
    nn::Generator g{nullptr};
    FeatureNet classifier{nullptr};

    TinyPair() {
        at::manual_seed(3);  // the modules' initial weights
        gc.resolution = 16;
        gc.z_dim = gc.w_dim = 16;
        gc.mapping_layers = 2;
        gc.channels = {{4, 16}, {8, 16}, {16, 8}};
        g = nn::Generator(gc);
        FeatureNetConfig fc;
        fc.resolution = 16;
        fc.channels = feature_channels(16, 16);
        fc.outputs = 3;
        classifier = FeatureNet(fc);
    }

    // The scores [N, 3] of codes w [N, w_dim] moved by `step` along d on the layers only.
    at::Tensor scores(const at::Tensor& w, const at::Tensor& d, double step,
                      const edit::LayerRange& layers) {
        at::Tensor wplus = g->broadcast(w).clone();
        wplus.narrow(1, layers.first, layers.size()) += step * d;
        return classifier->forward(g->synthesis(wplus, nn::NoiseMode::Const)).to(at::kDouble);
    }
};

TEST(GradientDirections, MoveTheirOwnScoreAndToFirstOrderNoneOfTheOthers) {
    TinyPair t;
    GradientDirectionOptions options;
    options.count = 24;
    const auto dirs = attribute_gradient_directions(*t.g, *t.classifier, {"a", "b", "c"}, options);
    ASSERT_EQ(dirs.size(), 3u);

    torch::NoGradGuard no_grad;
    const at::Tensor w = t.g->mapping(z_from_seed(0, options.count, t.gc.z_dim));  // the same codes
    const edit::LayerRange all = edit::all_layers(t.gc);
    double largest = 0;
    for (const auto& d : dirs) largest = std::max(largest, std::abs(d.mean_slope));
    ASSERT_GT(largest, 0.0);
    const double eps = 1e-3;  // small: the leaky ReLUs bend
    for (size_t k = 0; k < dirs.size(); ++k) {
        const at::Tensor& d = dirs[k].direction;
        EXPECT_NEAR(d.norm().item<double>(), 1.0, 1e-5);
        EXPECT_GT(dirs[k].mean_slope, 0.0) << "it points towards higher scores";
        EXPECT_GT(dirs[k].slider_scale, 0.0);
        const at::Tensor slope =
            (t.scores(w, d, eps, all) - t.scores(w, d, -eps, all)).mean(0) / (2 * eps);
        for (int64_t j = 0; j < slope.size(0); ++j) {
            const double expected = j == int64_t(k) ? dirs[k].mean_slope : 0.0;
            EXPECT_NEAR(slope[j].item<double>(), expected, 0.02 * largest)
                << "direction " << k << ", score " << j;
        }
    }
}

// The Specific method trades the orthogonal mean's exact cancellation on average for fewer
// side effects code by code: measured by central differences on every code, the others'
// mean squared change per unit of the target's mean change must come out smaller, and the
// direction must still raise its own score. Checked on a layer range, moved as the editor
// moves it (on those W+ layers only).
TEST(GradientDirections, SpecificOnesMoveTheOthersLessCodeByCode) {
    TinyPair t;
    GradientDirectionOptions options;
    options.count = 48;
    options.layers = edit::LayerRange{1, 4};
    const auto orthogonal =
        attribute_gradient_directions(*t.g, *t.classifier, {"a", "b", "c"}, options);
    options.method = GradientMethod::Specific;
    options.ridge = 1e-4;
    const auto specific =
        attribute_gradient_directions(*t.g, *t.classifier, {"a", "b", "c"}, options);
    ASSERT_EQ(specific.size(), 3u);

    torch::NoGradGuard no_grad;
    const at::Tensor w = t.g->mapping(z_from_seed(0, options.count, t.gc.z_dim));
    const double eps = 1e-3;
    // The others' mean squared slope over the target's squared mean slope (lower: more
    // specific), from per-code central differences.
    const auto side_effects = [&](const GradientDirection& d, int64_t k) {
        const at::Tensor slope = (t.scores(w, d.direction, eps, *options.layers) -
                                  t.scores(w, d.direction, -eps, *options.layers)) /
                                 (2 * eps);  // [N, 3]
        const double own = slope.select(1, k).mean().item<double>();
        const double others =
            (slope.square().sum(1) - slope.select(1, k).square()).mean().item<double>();
        return std::make_pair(own, others / (own * own));
    };
    for (int64_t k = 0; k < 3; ++k) {
        EXPECT_EQ(specific[k].layers, *options.layers);
        EXPECT_NEAR(specific[k].direction.norm().item<double>(), 1.0, 1e-5);
        const auto [own_o, ratio_o] = side_effects(orthogonal[k], k);
        const auto [own_s, ratio_s] = side_effects(specific[k], k);
        std::printf(
            "output %lld: others' squared change per own change^2: orthogonal mean "
            "%.4f, specific %.4f\n",
            static_cast<long long>(k), ratio_o, ratio_s);
        EXPECT_GT(own_s, 0.0) << "output " << k << ": it points towards higher scores";
        EXPECT_NEAR(own_s, specific[k].mean_slope, 0.02 * std::abs(own_s) + 1e-6);
        EXPECT_LT(ratio_s, ratio_o) << "output " << k;
    }
}

TEST(GradientDirections, RejectLayersTheModelDoesNotHave) {
    TinyPair t;
    GradientDirectionOptions options;
    options.count = 4;
    options.layers = edit::LayerRange{2, t.gc.num_ws()};
    EXPECT_THROW(attribute_gradient_directions(*t.g, *t.classifier, {"a", "b", "c"}, options),
                 std::invalid_argument);
}

}  // namespace
}  // namespace ls::train
