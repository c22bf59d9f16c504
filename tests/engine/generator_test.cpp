// Properties of the generator and discriminator that hold for any configuration, checked on
// configurations that are not among the fixtures.
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "model/model.h"
#include "test_support.h"

namespace ls {
namespace {

using test::matches_reference;

GeneratorConfig odd_config() {
    GeneratorConfig c;
    c.resolution = 32;
    c.z_dim = 24;  // different from w_dim, as stylegan2-ada allows
    c.w_dim = 16;
    c.mapping_layers = 2;
    c.channels = {{4, 12}, {8, 10}, {16, 8}, {32, 6}};
    c.conv_clamp = 0.5;
    return c;
}

DiscriminatorConfig odd_d_config() {
    DiscriminatorConfig d;
    d.resolution = 32;
    d.channels = {{4, 12}, {8, 10}, {16, 8}, {32, 6}};
    d.mbstd_group_size = 2;
    d.mbstd_channels = 2;
    return d;
}

TEST(Generator, NumpySeedsGiveNumpysNormals) {
    // numpy.random.RandomState(0).randn(6), as printed by NumPy.
    const at::Tensor z = z_from_seed(0, 1, 6);
    const double expected[] = {1.764052345967664, 0.4001572083672233, 0.9787379841057392,
                               2.240893199201458, 1.8675579901499675, -0.977277879876411};
    for (int i = 0; i < 6; ++i) EXPECT_NEAR(z[0][i].item<double>(), expected[i], 1e-6) << i;
}

TEST(Generator, RunsAConfigurationOfOtherSizes) {
    torch::NoGradGuard no_grad;
    Model m = random_model(odd_config(), odd_d_config(), 5);
    auto& g = *m.generator;
    EXPECT_EQ(g.config().num_ws(), 8);
    const at::Tensor img = g.synthesis(g.z_to_wplus(at::randn({2, 24})));
    EXPECT_EQ(img.sizes(), (std::vector<int64_t>{2, 3, 32, 32}));
    EXPECT_TRUE(img.isfinite().all().item<bool>());
    const at::Tensor logits = m.discriminator->forward(img);
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 1}));
}

TEST(Generator, BlockBySynthesisEqualsTheFullRun) {
    torch::NoGradGuard no_grad;
    Model m = random_model(odd_config(), std::nullopt, 6);
    auto& g = *m.generator;
    const at::Tensor wplus = g.z_to_wplus(at::randn({2, 24}));
    const at::Tensor full = g.synthesis(wplus);
    for (int split = 1; split < g.config().num_blocks(); ++split) {
        nn::SynthesisState s = g.synthesis_blocks(wplus, {}, split);
        s = g.synthesis_blocks(wplus, s, g.config().num_blocks());
        EXPECT_TRUE(matches_reference(s.img, full, 1e-6, 1e-7)) << "split at " << split;
    }
}

TEST(Generator, TruncationEndpoints) {
    torch::NoGradGuard no_grad;
    Model m = random_model(odd_config(), std::nullopt, 7);
    auto& g = *m.generator;
    const at::Tensor z = at::randn({3, 24});
    EXPECT_TRUE(at::equal(g.z_to_wplus(z, 1.0), g.broadcast(g.mapping(z))));
    const at::Tensor at_avg = g.z_to_wplus(z, 0.0);
    for (int i = 0; i < 3; ++i) {
        for (int l = 0; l < g.config().num_ws(); ++l) {
            EXPECT_TRUE(matches_reference(at_avg[i][l], g.latent_avg, 1e-6, 1e-7));
        }
    }
    // A cutoff leaves the later layers untouched.
    const at::Tensor cut = g.truncate(g.z_to_wplus(z), 0.0, 2);
    EXPECT_TRUE(at::equal(cut.narrow(1, 2, 6), g.z_to_wplus(z).narrow(1, 2, 6)));
}

TEST(Generator, NoiseModes) {
    torch::NoGradGuard no_grad;
    Model m = random_model(odd_config(), std::nullopt, 8);
    auto& g = *m.generator;
    {  // give the noise layers some weight, so that noise shows in the image
        for (auto& p : g.named_parameters()) {
            if (p.key().find("noise.weight") != std::string::npos) p.value().fill_(0.5);
        }
    }
    const at::Tensor wplus = g.z_to_wplus(at::randn({2, 24}));
    const at::Tensor a = g.synthesis(wplus, nn::NoiseMode::Random, 11);
    const at::Tensor b = g.synthesis(wplus, nn::NoiseMode::Random, 11);
    const at::Tensor c = g.synthesis(wplus, nn::NoiseMode::Random, 12);
    EXPECT_TRUE(at::equal(a, b));
    EXPECT_FALSE(at::allclose(a, c));
    EXPECT_FALSE(at::allclose(g.synthesis(wplus, nn::NoiseMode::None), g.synthesis(wplus)));
}

TEST(Generator, IsDifferentiableWithRespectToTheCode) {
    Model m = random_model(odd_config(), std::nullopt, 9);
    auto& g = *m.generator;
    at::Tensor wplus;
    {
        torch::NoGradGuard no_grad;
        wplus = g.z_to_wplus(at::randn({1, 24})).clone();
    }
    wplus.set_requires_grad(true);
    const at::Tensor loss = g.synthesis(wplus).square().mean();
    const auto grads = torch::autograd::grad({loss}, {wplus});
    EXPECT_TRUE(grads[0].isfinite().all().item<bool>());
    EXPECT_GT(grads[0].abs().sum().item<double>(), 0.0);
}

TEST(Discriminator, SupportsTheR1PenaltysSecondDerivative) {
    Model m = random_model(odd_config(), odd_d_config(), 10);
    at::Tensor images = at::randn({2, 3, 32, 32}).set_requires_grad(true);
    const at::Tensor logits = m.discriminator->forward(images);
    const auto grad = torch::autograd::grad({logits.sum()}, {images}, {}, true, true)[0];
    const at::Tensor r1 = grad.square().sum();
    r1.backward();
    // Every weight reaches the penalty. Biases after the minibatch-stddev layer do not: the
    // rest of the network is piecewise linear, so the input gradient does not depend on them.
    for (const auto& p : m.discriminator->named_parameters()) {
        const std::string& key = p.key();
        if (key.size() < 6 || key.substr(key.size() - 6) != "weight") continue;
        ASSERT_TRUE(p.value().grad().defined()) << p.key();
        EXPECT_TRUE(p.value().grad().isfinite().all().item<bool>()) << p.key();
        EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
    }
}

}  // namespace
}  // namespace ls

namespace ls {
namespace {

TEST(Generator, InferencePathEqualsTheDifferentiablePath) {
    // Without gradients the engine folds styles into weights (one image) or works in place
    // (several); both must equal the differentiable form, with clamping and noise active.
    Model m = random_model(odd_config(), std::nullopt, 12);
    auto& g = *m.generator;
    for (auto& p : g.named_parameters()) {
        if (p.key().find("noise.weight") != std::string::npos) p.value().detach().fill_(0.3);
    }
    for (int64_t batch : {1, 3}) {
        const at::Tensor wplus = g.z_to_wplus(at::randn({batch, 24})).detach();
        const at::Tensor reference = g.synthesis(wplus).detach();
        torch::NoGradGuard no_grad;
        EXPECT_TRUE(test::matches_reference(g.synthesis(wplus), reference, 1e-5, 1e-6))
            << "batch " << batch;
    }
}

}  // namespace
}  // namespace ls
