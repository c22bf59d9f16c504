// Layer presets against the StyleGAN / HiGAN split, written out by hand for three sizes.
#include <gtest/gtest.h>

#include "edit/layer_range.h"
#include "model/generator.h"

namespace ls::edit {
namespace {

GeneratorConfig config_of(int resolution) {
    GeneratorConfig c;
    c.resolution = resolution;
    c.z_dim = c.w_dim = 8;
    return c;
}

// The StyleGAN paper's split (coarse 4-8 px, middle 16-32 px, fine 64 px and up) in W+
// layers, two per resolution: for 1024 px, 0-3 / 4-7 / 8-17.
TEST(LayerRange, PresetsFor64_256_1024) {
    struct Case {
        int res;
        LayerRange all, coarse, middle, fine;
    };
    const Case cases[] = {{64, {0, 9}, {0, 3}, {4, 7}, {8, 9}},
                          {256, {0, 13}, {0, 3}, {4, 7}, {8, 13}},
                          {1024, {0, 17}, {0, 3}, {4, 7}, {8, 17}}};
    for (const auto& c : cases) {
        const auto cfg = config_of(c.res);
        EXPECT_EQ(preset_range(cfg, "all"), c.all) << c.res;
        EXPECT_EQ(preset_range(cfg, "coarse"), c.coarse) << c.res;
        EXPECT_EQ(preset_range(cfg, "middle"), c.middle) << c.res;
        EXPECT_EQ(preset_range(cfg, "fine"), c.fine) << c.res;
    }
}

TEST(LayerRange, PresetsFollowTheBlockEachLayerFeeds) {
    const auto cfg = config_of(256);
    for (const auto& name : {"coarse", "middle", "fine"}) {
        const LayerRange r = preset_range(cfg, name);
        for (int l = r.first; l <= r.last; ++l) {
            const int res = 4 << nn::GeneratorImpl::first_block_of_layer(l);
            const std::string n = name;
            const bool fits = n == "coarse"   ? res <= 8
                              : n == "middle" ? res >= 16 && res <= 32
                                              : res >= 64;
            EXPECT_TRUE(fits) << n << " layer " << l << " feeds " << res << " px first";
        }
    }
}

TEST(LayerRange, SmallModelsHaveNoFineLayers) {
    EXPECT_THROW(preset_range(config_of(32), "fine"), std::invalid_argument);
    EXPECT_EQ(preset_range(config_of(16), "middle"), (LayerRange{4, 5}));
    EXPECT_THROW(preset_range(config_of(64), "mid"), std::invalid_argument);
}

TEST(LayerRange, ParsesRangesAndNames) {
    const auto cfg = config_of(64);
    EXPECT_EQ(parse_layer_range("2-5", cfg), (LayerRange{2, 5}));
    EXPECT_EQ(parse_layer_range("7", cfg), (LayerRange{7, 7}));
    EXPECT_EQ(parse_layer_range("fine", cfg), (LayerRange{8, 9}));
    EXPECT_EQ(parse_layer_range("0-9", cfg).to_string(), "0-9");
    for (const char* bad : {"5-2", "0-10", "abc", "-1", "1-", "", "3-4-5", "99999999"}) {
        EXPECT_THROW(parse_layer_range(bad, cfg), std::invalid_argument) << bad;
    }
}

TEST(LayerRange, ErrorsSayWhatIsAllowed) {
    try {
        parse_layer_range("0-12", config_of(64));
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("0-9"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace ls::edit
