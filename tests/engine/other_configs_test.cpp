// Configurations other than the shared 64 px fixtures, against the outputs of the original
// codes: other resolutions, mapping depths, per-resolution widths, z_dim != w_dim, conv_clamp
// off and biting, fp16 resolutions, pickle protocols 2/4/5, torch.save zip and legacy.
// The cases live in tests/data/stylegan2/<case>/ with a meta.json each; they were made by
// tests/data/make_reference_cases.py with rosinality/stylegan2-pytorch and NVIDIA's
// stylegan2-ada-pytorch.
#include <torch/csrc/autograd/grad_mode.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/npy.h"
#include "model/model.h"
#include "model/tensor_npy.h"
#include "test_support.h"

namespace ls {
namespace {

using test::matches_reference;

const std::vector<std::string> kCases = {
    "rosinality_32_zip",         // 32 px, widths 16/16/12/8, 2 mapping layers, zip, protocol 4
    "rosinality_128_legacy",     // 128 px, channel_multiplier 1 table / 32, 8 layers, legacy
    "ada_32_clamp0.5_fp16res2",  // z 24 != w 16, conv_clamp 0.5, 2 fp16 res., protocol 5
    "ada_16_noclamp_map8",       // no conv_clamp, 8 mapping layers, 2 mbstd channels, protocol 2
    "ada_8_clamp256_fp16res4",   // 8 px, z 16 != w 24, conv_clamp 256, protocol 4
};

std::string case_dir(const std::string& name) {
    return std::string(LATENT_STUDIO_TEST_DATA) + "/stylegan2/" + name;
}

std::map<int, int> channel_map(const nlohmann::json& j) {
    std::map<int, int> out;
    for (const auto& [res, ch] : j.items()) out[std::stoi(res)] = ch.get<int>();
    return out;
}

class OtherConfigs : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        std::ifstream in(dir() + "/meta.json");
        ASSERT_TRUE(in) << "no meta.json in " << dir();
        meta = nlohmann::json::parse(in);
        model =
            load_model(dir() + "/" + meta.at("checkpoint").get<std::string>(), test::test_device());
    }
    std::string dir() const { return case_dir(GetParam()); }
    bool has(const std::string& name) const { return meta.at("files").contains(name + ".npy"); }
    at::Tensor npy(const std::string& name) const {
        return npy_to_tensor(io::read_npy(dir() + "/" + name + ".npy")).to(test::test_device());
    }
    bool is_ada() const { return meta.at("format") == "stylegan2-ada-pkl"; }

    nlohmann::json meta;
    Model model;
    torch::NoGradGuard no_grad;
};

TEST_P(OtherConfigs, InfersTheConfiguration) {
    const auto& c = model.generator->config();
    EXPECT_EQ(model.format, meta.at("format").get<std::string>());
    EXPECT_EQ(model.serialization, meta.at("serialization").get<std::string>());
    EXPECT_EQ(c.resolution, meta.at("resolution").get<int>());
    EXPECT_EQ(c.z_dim, meta.at("z_dim").get<int>());
    EXPECT_EQ(c.w_dim, meta.at("w_dim").get<int>());
    EXPECT_EQ(c.mapping_layers, meta.at("mapping_layers").get<int>());
    EXPECT_EQ(c.num_ws(), meta.at("num_ws").get<int>());
    EXPECT_EQ(c.channels, channel_map(meta.at("channels")));
    if (meta.at("conv_clamp").is_null()) {
        EXPECT_FALSE(c.conv_clamp.has_value());
    } else {
        ASSERT_TRUE(c.conv_clamp.has_value());
        EXPECT_DOUBLE_EQ(*c.conv_clamp, meta.at("conv_clamp").get<double>());
    }
    EXPECT_FALSE(c.truncation_cutoff.has_value());
    EXPECT_FALSE(model.latent_avg_estimated);

    ASSERT_TRUE(model.discriminator);
    const auto& d = model.discriminator->config();
    EXPECT_EQ(d.resolution, meta.at("resolution").get<int>());
    EXPECT_EQ(d.channels, channel_map(meta.at("d_channels")));
    EXPECT_EQ(d.mbstd_group_size, meta.at("mbstd_group_size").get<int>());
    EXPECT_EQ(d.mbstd_channels, meta.at("mbstd_num_channels").get<int>());
    if (meta.at("conv_clamp").is_null()) {
        EXPECT_FALSE(d.conv_clamp.has_value());
    } else {
        ASSERT_TRUE(d.conv_clamp.has_value());
        EXPECT_DOUBLE_EQ(*d.conv_clamp, meta.at("conv_clamp").get<double>());
    }
}

TEST_P(OtherConfigs, LatentAverageIsTheStoredOne) {
    EXPECT_TRUE(matches_reference(model.generator->latent_avg,
                                  npy(is_ada() ? "w_avg" : "latent_avg"), 0, 0));
}

TEST_P(OtherConfigs, MappingMatches) {
    auto& g = *model.generator;
    const at::Tensor w = g.mapping(npy("z"));
    if (is_ada()) {
        EXPECT_TRUE(matches_reference(g.broadcast(w), npy("ws")));
    } else {
        EXPECT_TRUE(matches_reference(w, npy("w")));
    }
}

TEST_P(OtherConfigs, ImageFromZMatches) {
    auto& g = *model.generator;
    EXPECT_TRUE(matches_reference(g.synthesis(g.z_to_wplus(npy("z"))), npy("image_from_z")));
}

TEST_P(OtherConfigs, TruncatedImageMatches) {
    if (!has("image_truncated_0.7")) GTEST_SKIP() << "this case has no truncated image";
    auto& g = *model.generator;
    const double psi = meta.at("truncation_psi").get<double>();
    EXPECT_TRUE(
        matches_reference(g.synthesis(g.z_to_wplus(npy("z"), psi)), npy("image_truncated_0.7")));
}

TEST_P(OtherConfigs, ImageFromWPlusMatches) {
    EXPECT_TRUE(
        matches_reference(model.generator->synthesis(npy("wplus")), npy("image_from_wplus")));
}

TEST_P(OtherConfigs, MixedImageMatches) {
    auto& g = *model.generator;
    const int index = meta.at("mix_index").get<int>();
    EXPECT_TRUE(matches_reference(g.synthesis(g.z_to_wplus(npy("z"), 1.0, npy("z2"), index)),
                                  npy("image_mixed_inject2")));
}

TEST_P(OtherConfigs, NoNoiseImageMatches) {
    if (!has("image_noise_none")) GTEST_SKIP() << "rosinality has no noise mode 'none'";
    auto& g = *model.generator;
    EXPECT_TRUE(matches_reference(g.synthesis(g.z_to_wplus(npy("z")), nn::NoiseMode::None),
                                  npy("image_noise_none")));
}

TEST_P(OtherConfigs, DiscriminatorLogitsMatch) {
    ASSERT_TRUE(model.discriminator);
    EXPECT_TRUE(matches_reference(model.discriminator->forward(npy("image_from_z")),
                                  npy("discriminator_logits_of_image_from_z")));
}

TEST_P(OtherConfigs, EveryListedFileExists) {
    for (const auto& [file, info] : meta.at("files").items()) {
        EXPECT_TRUE(std::filesystem::exists(dir() + "/" + file)) << file;
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, OtherConfigs, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param;
                             for (char& ch : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             }
                             return name;
                         });

}  // namespace
}  // namespace ls
