// Classical inpainting (OpenCV's Telea method): the baseline the masked inversion is measured
// against, and a fallback for models that are not of the photo's kind.
#pragma once

#include "imaging/rgb_image.h"

namespace ls {

// Fills the pixels where `mask` is non-zero from their surroundings. Throws io::FormatError
// when the sizes differ (or, in a build without OpenCV, always).
RgbImage inpaint_telea(const RgbImage& image, const GreyImage& mask, double radius = 3.0);

}  // namespace ls
