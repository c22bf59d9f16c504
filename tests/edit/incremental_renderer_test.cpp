// Incremental rendering: the blocks before an edited layer see the same inputs, the restarted
// render equals the full one, and the cache is really used.
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "edit/edit_stack.h"
#include "edit/incremental_renderer.h"
#include "edit_support.h"
#include "test_support.h"

namespace ls::edit {
namespace {

double max_diff(const at::Tensor& a, const at::Tensor& b) {
    return (a - b).abs().max().item<double>();
}

class Incremental : public ::testing::TestWithParam<std::string> {
  protected:
    Model m = test::fixture_model(GetParam());
    nn::GeneratorImpl& g = *m.generator;
    at::Tensor wplus =
        test::load_npy(GetParam().rfind("ada", 0) == 0 ? "ada_tiny64_cases/wplus.npy"
                                                       : "rosinality_tiny64_cases/wplus.npy")
            .narrow(0, 0, 1);
    at::Tensor edited(const std::string& preset, double strength = 2.0) {
        at::manual_seed(9);
        const at::Tensor d = at::randn({g.config().w_dim});
        return apply_edits(wplus,
                           {Edit{d / d.norm(), strength, preset_range(g.config(), preset), true}});
    }
};

TEST_P(Incremental, FineEditLeavesEarlierBlocksBitIdentical) {
    torch::NoGradGuard no_grad;
    const at::Tensor w2 = edited("fine");
    const int start =
        nn::GeneratorImpl::first_block_of_layer(preset_range(g.config(), "fine").first);
    EXPECT_EQ(start, 4);  // the 64 px block
    const nn::SynthesisState a = g.synthesis_blocks(wplus, {}, start);
    const nn::SynthesisState b = g.synthesis_blocks(w2, {}, start);
    EXPECT_TRUE(at::equal(a.x, b.x));
    EXPECT_TRUE(at::equal(a.img, b.img));
    // ... and the edit does change the image.
    EXPECT_GT(max_diff(g.synthesis(wplus), g.synthesis(w2)), 1e-3);
}

TEST_P(Incremental, RestartedRenderEqualsTheFullRender) {
    torch::NoGradGuard no_grad;
    IncrementalRenderer r(m.generator);
    const at::Tensor first = r.render(wplus);
    EXPECT_LE(max_diff(first, g.synthesis(wplus)), 1e-5);
    EXPECT_EQ(r.cache_hits(), 0);
    EXPECT_EQ(r.blocks_run(), 5);
    int64_t blocks = 5, hits = 0;
    int previous_first = g.config().num_ws();  // the last render had no edit
    for (const std::string preset : {"fine", "middle", "fine", "coarse", "fine"}) {
        const int first = preset_range(g.config(), preset).first;
        for (double s : {-3.0, 1.5}) {
            const at::Tensor w2 = edited(preset, s);
            const at::Tensor img = r.render(w2);
            EXPECT_LE(max_diff(img, g.synthesis(w2)), 1e-5) << preset << " " << s;
            // What changed since the last render: this edit's layers and the last one's.
            const int start =
                nn::GeneratorImpl::first_block_of_layer(std::min(first, previous_first));
            EXPECT_EQ(r.last_start_block(), start) << preset << " " << s;
            blocks += 5 - start;
            hits += start > 0;
            EXPECT_EQ(r.blocks_run(), blocks);
            previous_first = first;
        }
    }
    EXPECT_EQ(r.renders(), 11);
    EXPECT_EQ(r.cache_hits(), hits);
    EXPECT_EQ(hits, 7);  // all but the coarse edits and the fine one right after them
    // Unchanged: nothing runs, the cached image comes back.
    const at::Tensor w_last = edited("fine", 1.5);
    EXPECT_TRUE(at::equal(r.render(w_last), g.synthesis(w_last)));
    EXPECT_EQ(r.blocks_run(), blocks);
    EXPECT_EQ(r.cache_hits(), hits + 1);
    EXPECT_EQ(r.last_start_block(), 5);
}

TEST_P(Incremental, WorksUnderInferenceModeAndAcrossModes) {
    IncrementalRenderer r(m.generator);
    at::Tensor img;
    {
        c10::InferenceMode guard;
        img = r.render(wplus);
    }
    torch::NoGradGuard no_grad;
    const at::Tensor w2 = edited("fine");
    EXPECT_LE(max_diff(r.render(w2), g.synthesis(w2)), 1e-5);
    EXPECT_EQ(r.cache_hits(), 1);
    {
        c10::InferenceMode guard;
        const at::Tensor w3 = edited("fine", -1.0);
        EXPECT_LE(max_diff(r.render(w3), g.synthesis(w3)), 1e-5);
    }
    EXPECT_EQ(r.cache_hits(), 2);
}

TEST_P(Incremental, RendersWithGradientsEnabledStillRunWithout) {
    IncrementalRenderer r(m.generator);
    const at::Tensor img = r.render(wplus);
    EXPECT_FALSE(img.requires_grad());
}

TEST_P(Incremental, SeededRandomNoiseIsReusedAndUnseededIsNot) {
    torch::NoGradGuard no_grad;
    IncrementalRenderer seeded(m.generator, nn::NoiseMode::Random, 42);
    seeded.render(wplus);
    const at::Tensor w2 = edited("fine");
    EXPECT_LE(max_diff(seeded.render(w2), g.synthesis(w2, nn::NoiseMode::Random, 42)), 1e-5);
    EXPECT_EQ(seeded.cache_hits(), 1);
    IncrementalRenderer unseeded(m.generator, nn::NoiseMode::Random);
    unseeded.render(wplus);
    unseeded.render(w2);
    EXPECT_EQ(unseeded.cache_hits(), 0);
    IncrementalRenderer none(m.generator, nn::NoiseMode::None);
    none.render(wplus);
    EXPECT_LE(max_diff(none.render(w2), g.synthesis(w2, nn::NoiseMode::None)), 1e-5);
    EXPECT_EQ(none.cache_hits(), 1);
}

TEST_P(Incremental, ShapeChangesAndClearRenderInFull) {
    torch::NoGradGuard no_grad;
    IncrementalRenderer r(m.generator);
    r.render(wplus);
    const at::Tensor two = at::cat({wplus, edited("fine")}, 0);
    EXPECT_LE(max_diff(r.render(two), g.synthesis(two)), 1e-5);
    EXPECT_EQ(r.last_start_block(), 0);
    r.clear();
    r.render(two);
    EXPECT_EQ(r.last_start_block(), 0);
    EXPECT_EQ(r.cache_hits(), 0);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Incremental,
                         ::testing::Values("rosinality_tiny64.pt", "ada_tiny64.pkl"),
                         [](const auto& info) {
                             return info.param.substr(0, 3) == "ada" ? std::string("ada")
                                                                     : std::string("rosinality");
                         });

}  // namespace
}  // namespace ls::edit
