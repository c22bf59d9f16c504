// The rosinality/stylegan2-pytorch fixture, in both serialisations, against the outputs of
// the reference code (../shared/fixtures/README.md).
#include <torch/csrc/autograd/grad_mode.h>

#include "model/model.h"
#include "test_support.h"

namespace ls {
namespace {

using test::load_npy;
using test::matches_reference;

class RosinalityFixture : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override { model = load_model(test::fixture(GetParam()), test::test_device()); }
    at::Tensor case_npy(const std::string& name) {
        return load_npy("rosinality_tiny64_cases/" + name + ".npy");
    }
    Model model;
    torch::NoGradGuard no_grad;
};

TEST_P(RosinalityFixture, InfersTheConfiguration) {
    const auto& c = model.generator->config();
    EXPECT_EQ(c.resolution, 64);
    EXPECT_EQ(c.w_dim, 64);
    EXPECT_EQ(c.mapping_layers, 4);
    EXPECT_EQ(c.num_ws(), 10);
    EXPECT_EQ(c.channels.at(64), 64);
    EXPECT_FALSE(c.conv_clamp.has_value());
    ASSERT_TRUE(model.discriminator);
    EXPECT_EQ(model.discriminator->config().resolution, 64);
    EXPECT_FALSE(model.latent_avg_estimated);
}

TEST_P(RosinalityFixture, LatentAverageIsTheStoredOne) {
    EXPECT_TRUE(matches_reference(model.generator->latent_avg, case_npy("latent_avg"), 0, 0));
}

TEST_P(RosinalityFixture, MappingMatches) {
    EXPECT_TRUE(matches_reference(model.generator->mapping(case_npy("z")), case_npy("w")));
}

TEST_P(RosinalityFixture, ImageFromZMatches) {
    auto& g = *model.generator;
    EXPECT_TRUE(
        matches_reference(g.synthesis(g.z_to_wplus(case_npy("z"))), case_npy("image_from_z")));
}

TEST_P(RosinalityFixture, TruncatedImageMatches) {
    auto& g = *model.generator;
    EXPECT_TRUE(matches_reference(g.synthesis(g.z_to_wplus(case_npy("z"), 0.7)),
                                  case_npy("image_truncated_0.7")));
}

TEST_P(RosinalityFixture, ImageFromWPlusMatches) {
    EXPECT_TRUE(matches_reference(model.generator->synthesis(case_npy("wplus")),
                                  case_npy("image_from_wplus")));
}

TEST_P(RosinalityFixture, StyleMixingMatches) {
    auto& g = *model.generator;
    const at::Tensor wplus = g.z_to_wplus(case_npy("z"), 1.0, case_npy("z2"), 3);
    EXPECT_TRUE(matches_reference(g.synthesis(wplus), case_npy("image_mixed_inject3")));
}

TEST_P(RosinalityFixture, EachLayerMatchesForImage0) {
    auto& g = *model.generator;
    const at::Tensor wplus = g.z_to_wplus(case_npy("z").narrow(0, 0, 1));
    nn::SynthesisState s;
    s = g.synthesis_blocks(wplus, s, 1);
    EXPECT_TRUE(matches_reference(s.x, case_npy("layer0_conv1"))) << "conv1";
    EXPECT_TRUE(matches_reference(s.img, case_npy("layer0_to_rgb1"))) << "to_rgb1";
    for (int b = 1; b < g.config().num_blocks(); ++b) {
        s = g.synthesis_blocks(wplus, s, b + 1);
        const std::string conv = "layer0_convs." + std::to_string(2 * b - 1);
        const std::string rgb = "layer0_to_rgbs." + std::to_string(b - 1);
        EXPECT_TRUE(matches_reference(s.x, case_npy(conv))) << conv;
        EXPECT_TRUE(matches_reference(s.img, case_npy(rgb))) << rgb;
    }
}

TEST_P(RosinalityFixture, DiscriminatorLogitsMatch) {
    ASSERT_TRUE(model.discriminator);
    EXPECT_TRUE(matches_reference(model.discriminator->forward(case_npy("image_from_z")),
                                  case_npy("discriminator_logits_of_image_from_z")));
}

INSTANTIATE_TEST_SUITE_P(BothSerialisations, RosinalityFixture,
                         ::testing::Values("rosinality_tiny64.pt", "rosinality_tiny64_legacy.pt"),
                         [](const auto& info) {
                             return info.param.find("legacy") != std::string::npos ? "Legacy"
                                                                                   : "Zip";
                         });

}  // namespace
}  // namespace ls
