// The inversion engine on small random models: the image measures against hand-computed
// values, and the properties an inversion must have (it gets closer, it is deterministic, a
// cancel keeps the best code, a mask's hidden pixels have no influence at all).
#include <gtest/gtest.h>

#include <cmath>

#include "invert/image_metrics.h"
#include "invert/inverter.h"
#include "invert/quality_targets.h"
#include "model/model.h"

namespace ls::test {
namespace {

Model small_model_with_d(int resolution = 16, uint64_t seed = 3) {
    GeneratorConfig g;
    g.resolution = resolution;
    g.z_dim = g.w_dim = 16;
    g.mapping_layers = 2;
    DiscriminatorConfig d;
    d.resolution = resolution;
    for (int r = 4; r <= resolution; r *= 2) g.channels[r] = d.channels[r] = 16;
    return random_model(g, d, seed);
}

// A target the model can draw: its own image of a known code.
at::Tensor image_of(Model& m, uint64_t seed) {
    at::NoGradGuard no_grad;
    return invert::generated_targets(*m.generator, static_cast<int>(seed) + 1, 0.7)
        .narrow(0, static_cast<int64_t>(seed), 1)
        .clone();
}

TEST(ImageMetrics, PsnrOfAConstantOffsetIsHandComputed) {
    const at::Tensor a = at::zeros({1, 3, 8, 8});
    // An offset of 0.1 on a range of 2: MSE 0.01, PSNR = 10 log10(4 / 0.01) = 26.0206 dB.
    EXPECT_NEAR(invert::psnr(a, a + 0.1), 26.0206, 1e-3);
    EXPECT_TRUE(std::isinf(invert::psnr(a, a)));
}

TEST(ImageMetrics, MaskedMseCountsOnlyTheWeightedPixels) {
    const at::Tensor a = at::zeros({1, 3, 4, 4});
    at::Tensor b = a.clone();
    b.narrow(3, 0, 2).fill_(1.0);  // the left half differs by 1
    at::Tensor right = at::zeros({1, 1, 4, 4});
    right.narrow(3, 2, 2).fill_(1.0);
    EXPECT_DOUBLE_EQ(invert::masked_mse(a, b, right).item<double>(), 0.0);
    EXPECT_NEAR(invert::masked_mse(a, b, 1 - right).item<double>(), 1.0, 1e-6);
    EXPECT_NEAR(invert::masked_mse(a, b).item<double>(), 0.5, 1e-6);
}

TEST(ImageMetrics, SsimIsOneForIdenticalImagesAndLowerForNoise) {
    const at::Tensor a = at::rand({1, 3, 32, 32}) * 2 - 1;
    EXPECT_NEAR(invert::ssim(a, a).item<double>(), 1.0, 1e-5);
    const at::Tensor noisy = (a + at::randn_like(a) * 0.3).clamp(-1, 1);
    EXPECT_LT(invert::ssim(a, noisy).item<double>(), 0.9);
    EXPECT_THROW(invert::ssim(a.narrow(2, 0, 8), a.narrow(2, 0, 8)), std::invalid_argument);
}

TEST(Inverter, GetsCloserToATargetTheModelCanDraw) {
    Model m = small_model_with_d();
    const at::Tensor target = image_of(m, 1);
    invert::InvertOptions o = invert::preset("fast");
    o.steps = 40;
    invert::Inverter inv(*m.generator, m.discriminator.get(), nullptr, target, {}, o);
    const double start_psnr = invert::psnr(inv.best_image(), target);
    double first_loss = 0;
    while (!inv.done()) {
        const auto r = inv.step();
        if (r.step == 1) first_loss = r.loss;
        EXPECT_LE(r.best_loss, r.loss + 1e-12);
    }
    EXPECT_LT(inv.best_loss(), first_loss);
    EXPECT_GT(invert::psnr(inv.best_image(), target), start_psnr + 3.0);
}

TEST(Inverter, IsDeterministicForASeed) {
    Model m = small_model_with_d();
    const at::Tensor target = image_of(m, 2);
    invert::InvertOptions o;
    o.steps = 5;
    o.init_jitter = 0.1;
    o.seed = 7;
    const auto a = invert::invert(*m.generator, m.discriminator.get(), nullptr, target, {}, o);
    const auto b = invert::invert(*m.generator, m.discriminator.get(), nullptr, target, {}, o);
    EXPECT_TRUE(at::equal(a.wplus, b.wplus));
    o.seed = 8;
    const auto c = invert::invert(*m.generator, m.discriminator.get(), nullptr, target, {}, o);
    EXPECT_FALSE(at::equal(a.wplus, c.wplus));
}

TEST(Inverter, CancelKeepsTheBestCodeSoFar) {
    Model m = small_model_with_d();
    const at::Tensor target = image_of(m, 3);
    invert::InvertOptions o;
    o.steps = 50;
    at::Tensor best_at_cancel;
    const auto r = invert::invert(*m.generator, m.discriminator.get(), nullptr, target, {}, o,
                                  [&](const invert::StepReport& s, const invert::Inverter& inv) {
                                      best_at_cancel = inv.best_wplus();
                                      return s.step < 4;
                                  });
    EXPECT_TRUE(r.cancelled);
    EXPECT_EQ(r.steps_run, 4);
    EXPECT_TRUE(at::equal(r.wplus, best_at_cancel));
}

TEST(Inverter, MaskedPixelsHaveNoInfluence) {
    Model m = small_model_with_d();
    const at::Tensor target = image_of(m, 4);
    at::Tensor hidden = at::zeros({1, 1, 16, 16});
    hidden.narrow(2, 4, 6).narrow(3, 5, 6).fill_(1);
    // The same photo with something else painted inside the hidden region.
    const at::Tensor other = target * (1 - hidden) + hidden * (at::rand_like(target) * 2 - 1);
    invert::InvertOptions o;
    o.steps = 6;
    const auto a =
        invert::invert(*m.generator, m.discriminator.get(), nullptr, target, 1 - hidden, o);
    const auto b =
        invert::invert(*m.generator, m.discriminator.get(), nullptr, other, 1 - hidden, o);
    EXPECT_TRUE(at::equal(a.wplus, b.wplus));
    // Without the mask, the painted region does change the result.
    const auto c = invert::invert(*m.generator, m.discriminator.get(), nullptr, other, {}, o);
    EXPECT_FALSE(at::equal(a.wplus, c.wplus));
}

TEST(Inverter, WSpaceGivesOneCodeForEveryLayer) {
    Model m = small_model_with_d();
    invert::InvertOptions o;
    o.steps = 3;
    o.wplus = false;
    const auto r =
        invert::invert(*m.generator, m.discriminator.get(), nullptr, image_of(m, 5), {}, o);
    const at::Tensor w = r.wplus;
    EXPECT_TRUE(at::equal(w, w.narrow(1, 0, 1).expand_as(w)));
}

TEST(Inverter, ZeroStepsReturnsTheStartCode) {
    Model m = small_model_with_d();
    invert::InvertOptions o;
    o.steps = 0;
    const auto r = invert::invert(*m.generator, nullptr, nullptr, image_of(m, 6), {}, o);
    const at::Tensor avg = m.generator->latent_avg.view({1, 1, -1}).expand_as(r.wplus);
    EXPECT_TRUE(at::allclose(r.wplus, avg));
}

TEST(Inverter, RefusesWrongShapesAndAFullMask) {
    Model m = small_model_with_d();
    invert::InvertOptions o;
    auto& g = *m.generator;
    EXPECT_THROW(invert::Inverter(g, nullptr, nullptr, at::zeros({1, 3, 8, 8}), {}, o),
                 std::invalid_argument);
    EXPECT_THROW(invert::Inverter(g, nullptr, nullptr, at::zeros({1, 3, 16, 16}),
                                  at::zeros({1, 1, 8, 8}), o),
                 std::invalid_argument);
    EXPECT_THROW(invert::Inverter(g, nullptr, nullptr, at::zeros({1, 3, 16, 16}),
                                  at::zeros({1, 1, 16, 16}), o),
                 std::invalid_argument);
    EXPECT_THROW(invert::preset("slow"), std::invalid_argument);
}

}  // namespace
}  // namespace ls::test
