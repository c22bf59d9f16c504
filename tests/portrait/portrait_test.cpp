// The procedural portrait renderer: determinism, the sampled labels, and that every attribute is
// drawn where it says (each test checks a property, none compares with a stored picture).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "portrait/portrait_renderer.h"

namespace ls::portrait {
namespace {

using Image = std::vector<uint8_t>;

int index_of(const char* name) {
    const int i = attribute_index(name);
    EXPECT_GE(i, 0) << name;
    return i;
}

Image render(const Attributes& a, int size = 64, int supersample = 2) {
    return render_portrait(a, RenderOptions{size, supersample});
}

Attributes with(Attributes a, const char* name, float value) {
    a[index_of(name)] = value;
    return a;
}

bool inside(const Box& b, int size, int x, int y) {
    const float fx = (static_cast<float>(x) + 0.5f) / static_cast<float>(size);
    const float fy = (static_cast<float>(y) + 0.5f) / static_cast<float>(size);
    return fx >= b.x0 && fx < b.x1 && fy >= b.y0 && fy < b.y1;
}

struct Changes {
    int inside = 0, outside = 0;
};

// Pixels that differ between two renders, inside and outside the union of `boxes`.
Changes changes(const Image& a, const Image& b, int size, const std::vector<Box>& boxes) {
    Changes c;
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const size_t i = (static_cast<size_t>(y) * size + x) * 3;
            const bool differs = a[i] != b[i] || a[i + 1] != b[i + 1] || a[i + 2] != b[i + 2];
            if (!differs) continue;
            bool in = false;
            for (const Box& box : boxes) in = in || inside(box, size, x, y);
            ++(in ? c.inside : c.outside);
        }
    }
    return c;
}

int changed_pixels(const Image& a, const Image& b) {
    return changes(a, b, static_cast<int>(std::lround(std::sqrt(a.size() / 3))), {}).outside;
}

// Neutral, and a few sampled portraits turned to face the viewer (the regions are for yaw 0).
std::vector<Attributes> frontal_bases() {
    std::vector<Attributes> bases{neutral_attributes()};
    for (uint64_t seed : {1, 2, 3, 4, 5, 6}) {
        bases.push_back(with(sample_attributes(seed), "yaw", 0.f));
    }
    return bases;
}

TEST(PortraitAttributes, TableNamesAndIndices) {
    const auto& table = attribute_table();
    std::set<std::string> names;
    for (int i = 0; i < kAttributeCount; ++i) {
        const AttributeInfo& info = table[i];
        EXPECT_TRUE(names.insert(info.name).second) << info.name;
        EXPECT_EQ(attribute_index(info.name), i);
        EXPECT_LT(info.min, info.max) << info.name;
        EXPECT_GT(std::string(info.description).size(), 5u) << info.name;
        if (info.kind == AttributeKind::Binary) {
            EXPECT_EQ(info.min, 0.f);
            EXPECT_EQ(info.max, 1.f);
        }
    }
    EXPECT_EQ(attribute_index("smile"), 4);
    EXPECT_EQ(attribute_index("background_hue"), kAttributeCount - 1);
    EXPECT_EQ(attribute_index("Smile"), -1);
    EXPECT_EQ(attribute_index(""), -1);
    EXPECT_EQ(attribute_index("moustache"), -1);
}

TEST(PortraitAttributes, NeutralIsMidRangeWithoutGlassesOrBeard) {
    const Attributes n = neutral_attributes();
    const auto& table = attribute_table();
    for (int i = 0; i < kAttributeCount; ++i) {
        if (table[i].kind == AttributeKind::Binary) {
            EXPECT_EQ(n[i], 0.f) << table[i].name;
        } else {
            EXPECT_FLOAT_EQ(n[i], 0.5f * (table[i].min + table[i].max)) << table[i].name;
        }
    }
    EXPECT_EQ(n[index_of("yaw")], 0.f);
}

TEST(PortraitAttributes, SamplesStayInRangeWithTheAskedFrequencies) {
    const auto& table = attribute_table();
    const int n = 2000;
    std::vector<double> sum(kAttributeCount, 0.0);
    for (int s = 0; s < n; ++s) {
        const Attributes a = sample_attributes(static_cast<uint64_t>(s));
        for (int i = 0; i < kAttributeCount; ++i) {
            ASSERT_GE(a[i], table[i].min) << table[i].name;
            ASSERT_LE(a[i], table[i].max) << table[i].name;
            if (table[i].kind == AttributeKind::Binary) {
                ASSERT_TRUE(a[i] == 0.f || a[i] == 1.f) << table[i].name << " " << a[i];
            }
            sum[i] += a[i];
        }
    }
    EXPECT_NEAR(sum[index_of("glasses")] / n, 0.3, 0.04);
    EXPECT_NEAR(sum[index_of("beard")] / n, 0.3, 0.04);
    for (int i = 0; i < kAttributeCount; ++i) {
        if (table[i].kind == AttributeKind::Binary) continue;
        const double mid = 0.5 * (table[i].min + table[i].max);
        EXPECT_NEAR(sum[i] / n, mid, 0.04 * (table[i].max - table[i].min)) << table[i].name;
    }
}

TEST(PortraitAttributes, SampledAttributesAreUncorrelated) {
    const int n = 2000;
    std::vector<Attributes> all;
    for (int s = 0; s < n; ++s) all.push_back(sample_attributes(static_cast<uint64_t>(s) + 1000));
    for (int i = 0; i < kAttributeCount; ++i) {
        for (int j = i + 1; j < kAttributeCount; ++j) {
            double mi = 0, mj = 0;
            for (const auto& a : all) {
                mi += a[i];
                mj += a[j];
            }
            mi /= n;
            mj /= n;
            double cov = 0, vi = 0, vj = 0;
            for (const auto& a : all) {
                cov += (a[i] - mi) * (a[j] - mj);
                vi += (a[i] - mi) * (a[i] - mi);
                vj += (a[j] - mj) * (a[j] - mj);
            }
            EXPECT_LT(std::fabs(cov / std::sqrt(vi * vj)), 0.1)
                << attribute_table()[i].name << " / " << attribute_table()[j].name;
        }
    }
}

TEST(PortraitAttributes, SamplingIsAFixedAlgorithm) {
    // SplitMix64 and the top 24 bits: the same floats with every compiler and standard library
    // (std:: distributions would differ). Changing these values changes every data set.
    EXPECT_EQ(sample_attributes(7), sample_attributes(7));
    EXPECT_NE(sample_attributes(7), sample_attributes(8));
    const Attributes a = sample_attributes(0);
    // Each value is a multiple of 2^-24 of its range: exact in float.
    const auto& table = attribute_table();
    for (int i = 0; i < kAttributeCount; ++i) {
        if (table[i].kind == AttributeKind::Binary) continue;
        const double u = (a[i] - table[i].min) / (table[i].max - table[i].min) * 16777216.0;
        EXPECT_NEAR(u, std::round(u), 1e-2) << table[i].name;
    }
    EXPECT_FLOAT_EQ(a[0], 0.65244847536087036f);
    EXPECT_FLOAT_EQ(sample_attributes(12345)[index_of("smile")], -0.81437051296234131f);
}

TEST(PortraitRenderer, DeterministicForASeedAndDifferentAcrossSeeds) {
    const Image a = render(sample_attributes(42));
    EXPECT_EQ(a, render(sample_attributes(42)));
    EXPECT_NE(a, render(sample_attributes(43)));
    // Different enough to be different portraits, not a few pixels.
    EXPECT_GT(changed_pixels(a, render(sample_attributes(43))), 64 * 64 / 4);
}

TEST(PortraitRenderer, ThreadSafe) {
    std::vector<Image> expected;
    for (uint64_t s = 0; s < 8; ++s) expected.push_back(render(sample_attributes(s)));
    std::vector<Image> got(8);
    std::vector<std::thread> threads;
    for (uint64_t s = 0; s < 8; ++s) {
        threads.emplace_back([&got, s] { got[s] = render(sample_attributes(s)); });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(got, expected);
}

TEST(PortraitRenderer, SmileChangesTheMouthAndNothingElse) {
    const Box mouth = region_box(Region::Mouth);
    for (const Attributes& base : frontal_bases()) {
        const Image frown = render(with(base, "smile", -1.f));
        const Image grin = render(with(base, "smile", 1.f));
        const Changes c = changes(frown, grin, 64, {mouth});
        EXPECT_GT(c.inside, 40);
        EXPECT_EQ(c.outside, 0);
        // A small move too, at another size.
        const Changes small = changes(render(with(base, "smile", 0.1f), 128),
                                      render(with(base, "smile", 0.3f), 128), 128, {mouth});
        EXPECT_GT(small.inside, 10);
        EXPECT_EQ(small.outside, 0);
    }
}

TEST(PortraitRenderer, GlassesAndEyeOpennessChangeOnlyTheEyeBand) {
    const Box eyes = region_box(Region::Eyes);
    for (const Attributes& base : frontal_bases()) {
        Changes c = changes(render(with(base, "glasses", 0.f)), render(with(base, "glasses", 1.f)),
                            64, {eyes});
        EXPECT_GT(c.inside, 60);
        EXPECT_EQ(c.outside, 0);
        c = changes(render(with(base, "eye_openness", 0.f)),
                    render(with(base, "eye_openness", 1.f)), 64, {eyes});
        EXPECT_GT(c.inside, 20);
        EXPECT_EQ(c.outside, 0);
        // The frame colour, with glasses on.
        const Attributes g = with(base, "glasses", 1.f);
        c = changes(render(with(g, "frame_colour", 0.f)), render(with(g, "frame_colour", 1.f)), 64,
                    {eyes});
        EXPECT_GT(c.inside, 30);
        EXPECT_EQ(c.outside, 0);
    }
}

TEST(PortraitRenderer, GazeChangesOnlyTheEyes) {
    const std::vector<Box> eyes{region_box(Region::LeftEye), region_box(Region::RightEye)};
    for (const Attributes& base : frontal_bases()) {
        const Attributes open =
            with(base, "eye_openness", std::max(0.3f, base[index_of("eye_openness")]));
        const Changes c =
            changes(render(with(open, "gaze", -1.f)), render(with(open, "gaze", 1.f)), 64, eyes);
        EXPECT_GT(c.inside, 8);
        EXPECT_EQ(c.outside, 0);
    }
}

// The mean column of the pixels that a change of smile touches: where the mouth is drawn.
float mouth_column(const Attributes& base) {
    const Image a = render(with(base, "smile", -1.f), 128);
    const Image b = render(with(base, "smile", 1.f), 128);
    double sum = 0;
    int n = 0;
    for (int y = 0; y < 128; ++y) {
        for (int x = 0; x < 128; ++x) {
            const size_t i = (static_cast<size_t>(y) * 128 + x) * 3;
            if (a[i] != b[i] || a[i + 1] != b[i + 1] || a[i + 2] != b[i + 2]) {
                sum += x;
                ++n;
            }
        }
    }
    return n ? static_cast<float>(sum / n) : -1.f;
}

TEST(PortraitRenderer, YawMovesTheFeaturesTowardsTheTurn) {
    const Attributes n = neutral_attributes();
    const float left = mouth_column(with(n, "yaw", -1.f));
    const float front = mouth_column(n);
    const float right = mouth_column(with(n, "yaw", 1.f));
    EXPECT_NEAR(front, 63.5f, 1.5f);
    EXPECT_LT(left, front - 6.f);
    EXPECT_GT(right, front + 6.f);
}

TEST(PortraitRenderer, EveryAttributeChangesTheImage) {
    const auto& table = attribute_table();
    for (int i = 0; i < kAttributeCount; ++i) {
        Attributes base = neutral_attributes();
        // The frame colour shows only on glasses.
        if (std::string(table[i].name) == "frame_colour") base[index_of("glasses")] = 1.f;
        Attributes lo = base, hi = base;
        lo[i] = table[i].min;
        hi[i] = table[i].max;
        EXPECT_GT(changed_pixels(render(lo), render(hi)), 15) << table[i].name;
    }
}

TEST(PortraitRenderer, OutOfRangeValuesAreClamped) {
    const Attributes n = neutral_attributes();
    EXPECT_EQ(render(with(n, "smile", 5.f)), render(with(n, "smile", 1.f)));
    EXPECT_EQ(render(with(n, "age", -3.f)), render(with(n, "age", 0.f)));
}

// The mean absolute difference between a 256 px render box-filtered to 64 px and a 64 px one:
// the same picture at every size.
TEST(PortraitRenderer, TheSamePictureAtEverySize) {
    for (int size : {16, 64, 256}) {
        const Image img = render(sample_attributes(3), size);
        ASSERT_EQ(img.size(), static_cast<size_t>(size) * size * 3);
        int lo = 255, hi = 0;
        for (uint8_t v : img) {
            lo = std::min<int>(lo, v);
            hi = std::max<int>(hi, v);
        }
        EXPECT_GT(hi - lo, 80) << size;
    }
    const Image big = render(sample_attributes(3), 256);
    const Image small = render(sample_attributes(3), 64);
    double total = 0;
    for (int y = 0; y < 64; ++y) {
        for (int x = 0; x < 64; ++x) {
            for (int c = 0; c < 3; ++c) {
                int s = 0;
                for (int dy = 0; dy < 4; ++dy) {
                    for (int dx = 0; dx < 4; ++dx) {
                        s += big[((static_cast<size_t>(y) * 4 + dy) * 256 + x * 4 + dx) * 3 + c];
                    }
                }
                total += std::fabs(s / 16.0 - small[(static_cast<size_t>(y) * 64 + x) * 3 + c]);
            }
        }
    }
    EXPECT_LT(total / (64 * 64 * 3), 4.0);
}

TEST(PortraitRenderer, RejectsBadOptions) {
    const Attributes n = neutral_attributes();
    EXPECT_THROW(render(n, 7), std::invalid_argument);
    EXPECT_THROW(render(n, 4097), std::invalid_argument);
    EXPECT_THROW(render(n, 0), std::invalid_argument);
    EXPECT_THROW(render(n, -64), std::invalid_argument);
    EXPECT_THROW(render(n, 64, 0), std::invalid_argument);
    EXPECT_THROW(render(n, 64, 9), std::invalid_argument);
    EXPECT_NO_THROW(render(n, 8, 1));
    EXPECT_NO_THROW(render(n, 16, 8));
    EXPECT_THROW(render_portrait(n, RenderOptions{}, nullptr), std::invalid_argument);
    EXPECT_THROW(render(with(n, "gaze", std::nanf(""))), std::invalid_argument);
    EXPECT_THROW(render(with(n, "age", INFINITY)), std::invalid_argument);
}

}  // namespace
}  // namespace ls::portrait
