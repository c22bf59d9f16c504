// A procedural portrait renderer: a stylised, softly shaded head and shoulders drawn from an
// attribute vector (attributes.h), at any size. It is the training data of the embedded default
// model (a StyleGAN2 trained on its 64x64 output, an attribute classifier on its labels), so it
// is plain C++17 with no OpenCV, Qt or LibTorch: it builds on a headless GPU host.
//
// The layout is fixed so that a small network can learn it: the face is centred, the eyes lie
// about 40 % from the top and the mouth about 70 %; every attribute changes the picture where a
// person would look for it (region_box() gives the eye and mouth regions).
#pragma once

#include <cstdint>
#include <vector>

#include "portrait/attributes.h"

namespace ls::portrait {

struct RenderOptions {
    int size = 64;  // width and height in pixels, 8..4096
    int supersample =
        2;  // K x K samples per pixel, 1..8 (edges are also anti-aliased analytically)
};

// Draws the portrait into `rgb` (size * size * 3 bytes, RGB, row-major HWC). Values outside an
// attribute's range are clamped to it; binary attributes between 0 and 1 are drawn
// half-transparent. Deterministic and thread-safe (no global state). Throws
// std::invalid_argument for a size outside 8..4096, a supersample outside 1..8, a null `rgb`
// or a non-finite attribute.
void render_portrait(const Attributes& a, const RenderOptions& o, uint8_t* rgb);
std::vector<uint8_t> render_portrait(const Attributes& a, const RenderOptions& o);

// Where the local features lie for a frontal head (yaw 0), as fractions of the image width and
// height: every change of `smile` stays inside the Mouth box, of `gaze` inside the two eye
// boxes, of `glasses` and `eye_openness` inside the Eyes band.
enum class Region { LeftEye, RightEye, Eyes, Mouth };
struct Box {
    float x0, y0, x1, y1;  // [x0, x1) x [y0, y1), in 0..1
};
Box region_box(Region r);

}  // namespace ls::portrait
