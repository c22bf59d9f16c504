// How close two images are: the losses of the inversion and the figures its quality report
// prints. Images are [N, 3, H, W] in the network's range (-1..1); a `weight` of [N, 1, H, W]
// (1 = count this pixel, 0 = ignore it) restricts every measure to part of the image, which
// is how a masked inversion ignores the pixels the user painted over.
#pragma once

#include <ATen/ATen.h>

namespace ls::invert {

// The mean squared error over the weighted pixels (all pixels when `weight` is undefined).
at::Tensor masked_mse(const at::Tensor& a, const at::Tensor& b, const at::Tensor& weight = {});

// Structural similarity (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03,
// on the images mapped to 0..1), averaged over the weighted window centres. Differentiable.
// Windows that do not fit inside the image are left out, as in the reference implementation.
at::Tensor ssim(const at::Tensor& a, const at::Tensor& b, const at::Tensor& weight = {});

// Peak signal-to-noise ratio in dB for images in -1..1 (a peak-to-peak range of 2, the same
// figure as on 8-bit pixels), over the weighted pixels. Infinity for identical images.
double psnr(const at::Tensor& a, const at::Tensor& b, const at::Tensor& weight = {});

}  // namespace ls::invert
