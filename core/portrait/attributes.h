// The attributes of a procedural portrait (core/portrait/portrait_renderer.h draws them): the
// labels of the training data of the embedded default model. Each attribute is sampled
// independently of the others, so that a classifier or an InterFaceGAN boundary trained on them
// sees no correlation that the renderer did not put there.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace ls::portrait {

enum class AttributeKind { Continuous, Binary };

struct AttributeInfo {
    const char* name;
    AttributeKind kind;
    float min;
    float max;
    const char* description;
};

constexpr int kAttributeCount = 16;

// In this order (the index of an attribute in Attributes):
//   skin_tone, face_width, hair_colour, hair_length, smile, eye_openness, gaze, eyebrow_angle,
//   glasses, frame_colour, beard, age, yaw, light_direction, light_strength, background_hue
const std::array<AttributeInfo, kAttributeCount>& attribute_table();

// The index of the attribute called `name`, or -1 when there is none.
int attribute_index(std::string_view name);

using Attributes = std::array<float, kAttributeCount>;

// One portrait's attributes for `seed`: each attribute independent and uniform over its range;
// binary ones are exactly 0 or 1 (glasses with probability 0.3, beard 0.3). The same seed gives
// the same values on every platform (SplitMix64, no std:: distributions).
Attributes sample_attributes(uint64_t seed);

// Every continuous attribute at the middle of its range, no glasses, no beard, frontal (yaw 0),
// light from the front: the reference portrait that the tests move one attribute away from.
Attributes neutral_attributes();

}  // namespace ls::portrait
