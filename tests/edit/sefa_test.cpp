// SeFa against independent truths: an SVD of the stacked weights, gathered here by parameter
// name with rosinality's Generator.forward indexing, and a random search for the strongest
// direction.
#include <gtest/gtest.h>

#include <regex>

#include "edit/sefa.h"
#include "edit_support.h"

namespace ls::edit {
namespace {

// The W+ layer that reads a modulation, from rosinality's forward(): conv1 <- latent[:, 0],
// to_rgb1 <- 1, and for block j: convs[2j] <- 1 + 2j, convs[2j+1] <- 2 + 2j,
// to_rgbs[j] <- 3 + 2j. -1 for parameters that are not modulation weights.
int latent_index(const std::string& name, bool* is_to_rgb) {
    static const std::regex re(
        R"(^(conv1|to_rgb1|convs\.(\d+)|to_rgbs\.(\d+))\.conv\.modulation\.weight$)");
    std::smatch m;
    if (!std::regex_match(name, m, re)) return -1;
    *is_to_rgb = m[1].str().rfind("to_rgb", 0) == 0;
    if (m[1] == "conv1") return 0;
    if (m[1] == "to_rgb1") return 1;
    if (m[2].matched) {
        const int i = std::stoi(m[2]);  // 2j -> 1 + 2j, 2j+1 -> 2 + 2j: both 1 + i
        return 1 + i;
    }
    return 3 + 2 * std::stoi(m[3]);
}

at::Tensor independent_stack(nn::GeneratorImpl& g, LayerRange r, bool to_rgb) {
    std::vector<at::Tensor> rows;
    for (const auto& p : g.named_parameters()) {
        bool is_rgb = false;
        const int l = latent_index(p.key(), &is_rgb);
        if (l >= r.first && l <= r.last && (to_rgb || !is_rgb)) {
            rows.push_back(p.value().detach().to(at::kDouble));
        }
    }
    return at::cat(rows, 0);
}

class SefaFixture : public ::testing::Test {
  protected:
    Model m = test::fixture_model("rosinality_tiny64.pt");
    nn::GeneratorImpl& g = *m.generator;
};

TEST_F(SefaFixture, DirectionsAreOrthonormal) {
    for (const char* preset : {"all", "coarse", "middle", "fine"}) {
        const SefaResult r = sefa(g, preset_range(g.config(), preset), 10);
        ASSERT_EQ(r.directions.sizes(), (std::vector<int64_t>{10, 64})) << preset;
        const at::Tensor d = r.directions.to(at::kDouble);
        const at::Tensor gram = at::matmul(d, d.t());
        EXPECT_LT((gram - at::eye(10, at::kDouble)).abs().max().item<double>(), 1e-5) << preset;
    }
}

TEST_F(SefaFixture, EigenvaluesAreTheSquaredSingularValuesOfTheStack) {
    for (const char* preset : {"all", "coarse", "middle", "fine"}) {
        for (bool to_rgb : {true, false}) {
            const LayerRange range = preset_range(g.config(), preset);
            if (!to_rgb && range == LayerRange{8, 9}) continue;  // fine: checked below
            SefaOptions o;
            o.include_to_rgb = to_rgb;
            const SefaResult r = sefa(g, range, 16, o);
            const at::Tensor a = independent_stack(g, range, to_rgb);
            EXPECT_EQ(r.stacked_rows, a.size(0)) << preset;
            const at::Tensor s2 = at::linalg_svdvals(a).narrow(0, 0, 16).square();
            // The Gram matrix is accumulated in float32 per layer: 1e-6 of the largest.
            EXPECT_LT(((r.eigenvalues - s2).abs() / s2[0]).max().item<double>(), 1e-6)
                << preset << " to_rgb " << to_rgb;
            // And the directions are the right singular vectors (up to sign).
            auto [u, s, vh] = at::linalg_svd(a, false);
            for (int i = 0; i < 3; ++i) {
                const double c = at::dot(r.directions[i].to(at::kDouble), vh[i]).item<double>();
                EXPECT_NEAR(std::abs(c), 1.0, 1e-4) << preset << " direction " << i;
            }
        }
    }
}

TEST_F(SefaFixture, FirstDirectionBeatsRandomUnitVectors) {
    const LayerRange range = preset_range(g.config(), "all");
    const SefaResult r = sefa(g, range, 1);
    const at::Tensor a = independent_stack(g, range, true);
    const double best = at::matmul(a, r.directions[0].to(at::kDouble)).norm().item<double>();
    at::manual_seed(0);
    at::Tensor n = at::randn({1000, 64}, at::kDouble);
    n = n / n.norm(2, {1}, true);
    const at::Tensor gains = at::matmul(n, a.t()).norm(2, {1});
    EXPECT_GT(best, gains.max().item<double>());
    EXPECT_NEAR(best * best, r.eigenvalues[0].item<double>(), 1e-6 * best * best);
}

TEST_F(SefaFixture, RosinalityScriptStackSkipsToRgbs) {
    SefaOptions o;
    o.include_to_rgb = false;
    const SefaResult r = sefa(g, all_layers(g.config()), 4, o);
    int64_t rows = 0;  // conv1 and every conv: their input channels
    rows += g.conv1->conv->modulation->weight.size(0);
    for (const auto& c : *g.convs)
        rows += c->as<nn::StyledConvImpl>()->conv->modulation->weight.size(0);
    EXPECT_EQ(r.stacked_rows, rows);
}

TEST_F(SefaFixture, UnitRowsNormalisesEachStyleChannel) {
    SefaOptions o;
    o.unit_rows = true;
    const at::Tensor a = stacked_modulation_weights(g, all_layers(g.config()), o);
    EXPECT_LT((a.norm(2, {1}) - 1).abs().max().item<double>(), 1e-6);
    const SefaResult r = sefa(g, all_layers(g.config()), 5, o);
    EXPECT_TRUE(at::isfinite(r.directions).all().item<bool>());
}

TEST(Sefa, BothRosinalityLayoutsGiveTheSameDirections) {
    Model zip = test::fixture_model("rosinality_tiny64.pt");
    Model legacy = test::fixture_model("rosinality_tiny64_legacy.pt");
    for (const char* preset : {"all", "coarse", "fine"}) {
        const LayerRange r = preset_range(zip.generator->config(), preset);
        const SefaResult a = sefa(*zip.generator, r, 8), b = sefa(*legacy.generator, r, 8);
        EXPECT_TRUE(at::equal(a.directions, b.directions)) << preset;
        EXPECT_TRUE(at::equal(a.eigenvalues, b.eigenvalues)) << preset;
    }
}

TEST(Sefa, AdaPickleGivesFiniteUnitDirections) {
    Model m = test::fixture_model("ada_tiny64.pkl");
    for (const char* preset : {"all", "coarse", "middle", "fine"}) {
        const SefaResult r = sefa(*m.generator, preset_range(m.generator->config(), preset), 5);
        EXPECT_TRUE(at::isfinite(r.directions).all().item<bool>()) << preset;
        EXPECT_LT((r.directions.norm(2, {1}) - 1).abs().max().item<double>(), 1e-5);
        EXPECT_GT(r.eigenvalues[0].item<double>(), r.eigenvalues[4].item<double>());
    }
}

TEST(Sefa, RejectsBadRequests) {
    Model m = test::small_random_model(32);
    auto& g = *m.generator;
    EXPECT_THROW(sefa(g, {0, 3}, 0), std::invalid_argument);
    EXPECT_THROW(sefa(g, {0, 3}, 17), std::invalid_argument);
    EXPECT_THROW(sefa(g, {0, 8}, 2), std::invalid_argument);  // 32 px: layers 0-7
    SefaOptions o;
    o.include_to_rgb = false;
    EXPECT_THROW(sefa(g, {7, 7}, 2, o), std::invalid_argument);  // only the last ToRGB
}

TEST(Sefa, SignsAreCanonical) {
    Model m = test::small_random_model(32);
    const SefaResult r = sefa(*m.generator, {0, 7}, 6);
    for (int i = 0; i < 6; ++i) {
        const at::Tensor d = r.directions[i];
        EXPECT_GT(d[d.abs().argmax()].item<double>(), 0) << i;
    }
}

}  // namespace
}  // namespace ls::edit
