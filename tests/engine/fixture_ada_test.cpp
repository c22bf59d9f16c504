// The stylegan2-ada-pytorch network pickle against the outputs of NVIDIA's code.
#include <torch/csrc/autograd/grad_mode.h>

#include "model/model.h"
#include "test_support.h"

namespace ls {
namespace {

using test::load_npy;
using test::matches_reference;

class AdaFixture : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        model = new Model(load_model(test::fixture("ada_tiny64.pkl"), test::test_device()));
    }
    static void TearDownTestSuite() { delete model; }
    static at::Tensor case_npy(const std::string& name) {
        return load_npy("ada_tiny64_cases/" + name + ".npy");
    }
    static Model* model;
    torch::NoGradGuard no_grad;
};
Model* AdaFixture::model = nullptr;

TEST_F(AdaFixture, InfersTheConfiguration) {
    const auto& c = model->generator->config();
    EXPECT_EQ(model->format, "stylegan2-ada-pkl");
    EXPECT_EQ(c.resolution, 64);
    EXPECT_EQ(c.z_dim, 64);
    EXPECT_EQ(c.w_dim, 64);
    EXPECT_EQ(c.mapping_layers, 4);
    EXPECT_EQ(c.num_ws(), 10);
    ASSERT_TRUE(c.conv_clamp.has_value());
    EXPECT_EQ(*c.conv_clamp, 256);
    // channel_base 2048, channel_max 64: min(2048 / res, 64) at every resolution.
    EXPECT_EQ(c.channels, ada_channels(64, 2048, 64));
    ASSERT_TRUE(model->discriminator);
    EXPECT_EQ(model->discriminator->config().mbstd_group_size, 4);
}

TEST_F(AdaFixture, AverageAndMappingMatch) {
    auto& g = *model->generator;
    EXPECT_TRUE(matches_reference(g.latent_avg, case_npy("w_avg"), 0, 0));
    EXPECT_TRUE(matches_reference(g.broadcast(g.mapping(case_npy("z"))), case_npy("ws")));
}

TEST_F(AdaFixture, ImageFromZMatches) {
    auto& g = *model->generator;
    EXPECT_TRUE(
        matches_reference(g.synthesis(g.z_to_wplus(case_npy("z"))), case_npy("image_from_z")));
}

TEST_F(AdaFixture, TruncatedImageMatches) {
    auto& g = *model->generator;
    EXPECT_TRUE(matches_reference(g.synthesis(g.z_to_wplus(case_npy("z"), 0.7)),
                                  case_npy("image_truncated_0.7")));
}

TEST_F(AdaFixture, NoNoiseImageMatches) {
    auto& g = *model->generator;
    EXPECT_TRUE(matches_reference(g.synthesis(g.z_to_wplus(case_npy("z")), nn::NoiseMode::None),
                                  case_npy("image_noise_none")));
}

TEST_F(AdaFixture, ImageFromWPlusMatches) {
    EXPECT_TRUE(matches_reference(model->generator->synthesis(case_npy("wplus")),
                                  case_npy("image_from_wplus")));
}

TEST_F(AdaFixture, EachBlockMatchesForImage0) {
    auto& g = *model->generator;
    const at::Tensor wplus = g.z_to_wplus(case_npy("z").narrow(0, 0, 1));
    nn::SynthesisState s;
    for (int b = 0; b < g.config().num_blocks(); ++b) {
        s = g.synthesis_blocks(wplus, s, b + 1);
        const std::string name = "layer0_block" + std::to_string(4 << b);
        EXPECT_TRUE(matches_reference(s.x, case_npy(name + "_x"))) << name;
        EXPECT_TRUE(matches_reference(s.img, case_npy(name + "_img"))) << name;
    }
}

TEST_F(AdaFixture, DiscriminatorLogitsMatch) {
    ASSERT_TRUE(model->discriminator);
    EXPECT_TRUE(matches_reference(model->discriminator->forward(case_npy("image_from_z")),
                                  case_npy("discriminator_logits_of_image_from_z")));
}

}  // namespace
}  // namespace ls
