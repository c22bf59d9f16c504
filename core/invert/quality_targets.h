// The images the inversion's quality is measured on (bench-invert and the tests' floors):
// images the model can represent exactly, and regions to hide for inpainting.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "imaging/rgb_image.h"

namespace ls::nn {
class GeneratorImpl;
}

namespace ls::invert {

// The generator's own samples [count, 3, R, R] from z of seeds 0..count-1 (NumPy's randn, as
// `generate --seed`), truncated by `psi`, constant noise.
at::Tensor generated_targets(nn::GeneratorImpl& g, int count, double psi);

// Rendered portraits [count, 3, R, R] the embedded model never saw in training (seeds from
// 1e9; its training used seeds from 0).
at::Tensor rendered_targets(int resolution, int count);

struct HiddenRegion {
    std::string name;  // "left_eye", "mouth", "box_25"
    at::Tensor mask;   // [1, 1, R, R], 1 = hidden
};
// An eye and the mouth where the portrait renderer draws them (core/portrait), and a centred
// square of a quarter of the image.
std::vector<HiddenRegion> hidden_regions(int resolution);

// [1, 1, H, W] in 0..1 -> an 8-bit mask (255 where the value is at least 0.5), and back.
GreyImage mask_to_grey(const at::Tensor& mask);
at::Tensor grey_to_mask(const GreyImage& mask);

// The inversion's per-pixel weights [1, 1, H, W] from a painted mask (255 = fill): painted at
// least half-way is unknown (weight 0: such pixels have no influence at all), and below that
// the weight falls linearly, 1 - 2 * value, so that a soft brush edge blends instead of
// leaving a hard seam. The command line and the editor both use it.
at::Tensor known_from_mask(const GreyImage& mask);

}  // namespace ls::invert
