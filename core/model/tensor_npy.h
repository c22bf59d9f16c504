// Between ATen tensors and NumPy arrays.
#pragma once

#include <ATen/ATen.h>

#include "io/npy.h"

namespace ls {

at::Tensor npy_to_tensor(const io::NpyArray& array);
io::NpyArray tensor_to_npy(const at::Tensor& tensor);

}  // namespace ls

#include <vector>

#include "imaging/rgb_image.h"

namespace ls {

// Images [N, 3, H, W] in the network's range (-1..1) to 8-bit RGB, as the reference codes
// save them: x * 127.5 + 128, clamped.
std::vector<RgbImage> tensor_to_rgb(const at::Tensor& images);
// The inverse: an 8-bit image to [1, 3, H, W] float32 in -1..1, (v - 128) / 127.5.
at::Tensor rgb_to_tensor(const RgbImage& image);

}  // namespace ls
