// Classifier-guided directions (train::attribute_gradient_directions) on a tiny random
// generator and classifier, checked with forward passes only: central differences of the
// mean scores along each direction, not the gradients the directions were made from.
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>

#include "model/generator.h"
#include "model/model.h"
#include "train/feature_net.h"
#include "train/net_trainers.h"

namespace ls::train {
namespace {

TEST(GradientDirections, MoveTheirOwnScoreAndToFirstOrderNoneOfTheOthers) {
    at::manual_seed(3);  // the modules' initial weights
    GeneratorConfig gc;
    gc.resolution = 16;
    gc.z_dim = gc.w_dim = 16;
    gc.mapping_layers = 2;
    gc.channels = {{4, 16}, {8, 16}, {16, 8}};
    nn::Generator g(gc);
    FeatureNetConfig fc;
    fc.resolution = 16;
    fc.channels = feature_channels(16, 16);
    fc.outputs = 3;
    FeatureNet classifier(fc);
    const int count = 24;
    const auto dirs = attribute_gradient_directions(*g, *classifier, {"a", "b", "c"}, count);
    ASSERT_EQ(dirs.size(), 3u);

    torch::NoGradGuard no_grad;
    const at::Tensor w = g->mapping(z_from_seed(0, count, gc.z_dim));  // the same codes
    const auto mean_scores = [&](const at::Tensor& codes) {
        return classifier->forward(g->synthesis(g->broadcast(codes), nn::NoiseMode::Const))
            .to(at::kDouble)
            .mean(0);
    };
    double largest = 0;
    for (const auto& d : dirs) largest = std::max(largest, std::abs(d.mean_slope));
    ASSERT_GT(largest, 0.0);
    const double eps = 1e-3;  // small: the leaky ReLUs bend
    for (size_t k = 0; k < dirs.size(); ++k) {
        const at::Tensor& d = dirs[k].direction;
        EXPECT_NEAR(d.norm().item<double>(), 1.0, 1e-5);
        EXPECT_GT(dirs[k].mean_slope, 0.0) << "it points towards higher scores";
        EXPECT_GT(dirs[k].slider_scale, 0.0);
        const at::Tensor slope = (mean_scores(w + eps * d) - mean_scores(w - eps * d)) / (2 * eps);
        for (int64_t j = 0; j < slope.size(0); ++j) {
            const double expected = j == int64_t(k) ? dirs[k].mean_slope : 0.0;
            EXPECT_NEAR(slope[j].item<double>(), expected, 0.02 * largest)
                << "direction " << k << ", score " << j;
        }
    }
}

}  // namespace
}  // namespace ls::train
