#include "portrait/attributes.h"

namespace ls::portrait {

namespace {

using K = AttributeKind;

constexpr std::array<AttributeInfo, kAttributeCount> kTable{{
    {"skin_tone", K::Continuous, 0.f, 1.f, "light (0) to dark (1) skin"},
    {"face_width", K::Continuous, -1.f, 1.f, "narrow (-1) to wide (1) face"},
    {"hair_colour", K::Continuous, 0.f, 1.f, "black, brown, auburn/red, blond (0 to 1)"},
    {"hair_length", K::Continuous, 0.f, 1.f, "cropped (0) to below the shoulders (1)"},
    {"smile", K::Continuous, -1.f, 1.f,
     "frown (-1) to grin (1); the mouth opens and teeth show above about 0.5"},
    {"eye_openness", K::Continuous, 0.f, 1.f, "closed (0), relaxed (0.5), wide open (1)"},
    {"gaze", K::Continuous, -1.f, 1.f, "irises to the left (-1) or right (1) of the image"},
    {"eyebrow_angle", K::Continuous, -1.f, 1.f,
     "inner ends of the eyebrows lowered, cross (-1), to raised, worried (1)"},
    {"glasses", K::Binary, 0.f, 1.f, "glasses (1) or none (0)"},
    {"frame_colour", K::Continuous, 0.f, 1.f,
     "colour of the glasses' frame: black, tortoiseshell, red, gold (0 to 1)"},
    {"beard", K::Binary, 0.f, 1.f, "a full beard and moustache (1) or none (0)"},
    {"age", K::Continuous, 0.f, 1.f,
     "young (0) to old (1): grey hair, a higher hairline, lines on the forehead and under the "
     "eyes"},
    {"yaw", K::Continuous, -1.f, 1.f, "head turned towards the image's left (-1) or right (1)"},
    {"light_direction", K::Continuous, -1.f, 1.f, "key light from the left (-1) to the right (1)"},
    {"light_strength", K::Continuous, 0.f, 1.f, "flat, soft light (0) to strong, directional (1)"},
    {"background_hue", K::Continuous, 0.f, 1.f,
     "background colour: red (0), yellow, green, blue, violet (1); the clothes take the "
     "opposite hue"},
}};

// SplitMix64 (Steele, Lea, Flood 2014): a fixed algorithm, so that a seed gives the same
// attributes with every compiler and standard library.
uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// A uniform float in [0, 1) from the top 24 bits: exact in float, the same everywhere.
float uniform01(uint64_t& state) {
    return static_cast<float>(splitmix64(state) >> 40) * (1.0f / 16777216.0f);
}

}  // namespace

const std::array<AttributeInfo, kAttributeCount>& attribute_table() {
    return kTable;
}

int attribute_index(std::string_view name) {
    for (int i = 0; i < kAttributeCount; ++i) {
        if (name == kTable[i].name) return i;
    }
    return -1;
}

Attributes sample_attributes(uint64_t seed) {
    // The seed is mixed once first so that neighbouring seeds start far apart in the sequence.
    uint64_t state = seed;
    state = splitmix64(state);
    Attributes a{};
    for (int i = 0; i < kAttributeCount; ++i) {
        const AttributeInfo& info = kTable[i];
        const float u = uniform01(state);
        if (info.kind == AttributeKind::Binary) {
            a[i] = u < 0.3f ? 1.f : 0.f;
        } else {
            a[i] = info.min + (info.max - info.min) * u;
        }
    }
    return a;
}

Attributes neutral_attributes() {
    Attributes a{};
    for (int i = 0; i < kAttributeCount; ++i) {
        const AttributeInfo& info = kTable[i];
        a[i] = info.kind == AttributeKind::Binary ? 0.f : 0.5f * (info.min + info.max);
    }
    return a;
}

}  // namespace ls::portrait
