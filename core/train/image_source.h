// Where training images come from: the procedural portrait renderer (endless, labelled) or a
// folder of the user's images. A batch is a function of its index, so that a training run
// resumed from a checkpoint sees the same images as one that never stopped.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ls::train {

class ImageSource {
  public:
    virtual ~ImageSource() = default;
    virtual int resolution() const = 0;
    // Images [n, 3, res, res], float32 in [-1, 1], on the CPU; the same for the same index.
    virtual at::Tensor batch(int64_t n, uint64_t index) = 0;
    // Attribute labels [n, k] of the same images, when the source knows them (else undefined).
    virtual at::Tensor labels(int64_t n, uint64_t index) { return {}; }
    virtual std::string description() const = 0;
};

// Portraits rendered on the fly (core/portrait), in parallel over the batch. Image i of
// batch `index` is the portrait of seed `first_seed + index * n + i`.
std::unique_ptr<ImageSource> portrait_source(int resolution, uint64_t first_seed = 0,
                                             int supersample = 2);

// Every image in `folder` (PNG/JPEG/...), centre-cropped to a square and resized to
// `resolution`, held in memory as 8-bit; batches are drawn with replacement from a generator
// seeded by (seed, index), with horizontal flips. Needs OpenCV (throws where it is absent).
std::unique_ptr<ImageSource> folder_source(const std::string& folder, int resolution,
                                           uint64_t seed = 0);

// uint8 HWC RGB images [n, h, w, 3] -> float32 NCHW in [-1, 1].
at::Tensor images_from_rgb(const at::Tensor& hwc_uint8);

}  // namespace ls::train
