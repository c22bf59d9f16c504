// The portrait renderer as a training source.
#include <ATen/Parallel.h>

#include "portrait/attributes.h"
#include "portrait/portrait_renderer.h"
#include "train/image_source.h"

namespace ls::train {

at::Tensor images_from_rgb(const at::Tensor& hwc_uint8) {
    return hwc_uint8.permute({0, 3, 1, 2}).to(at::kFloat).div(127.5).sub(1.0).contiguous();
}

namespace {

class PortraitSource : public ImageSource {
  public:
    PortraitSource(int resolution, uint64_t first_seed, int supersample)
        : resolution_(resolution), first_seed_(first_seed), supersample_(supersample) {}

    int resolution() const override { return resolution_; }

    at::Tensor batch(int64_t n, uint64_t index) override {
        at::Tensor rgb = at::empty({n, resolution_, resolution_, 3}, at::kByte);
        uint8_t* out = rgb.data_ptr<uint8_t>();
        const int64_t stride = int64_t(resolution_) * resolution_ * 3;
        portrait::RenderOptions options;
        options.size = resolution_;
        options.supersample = supersample_;
        at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                portrait::render_portrait(portrait::sample_attributes(seed(n, index, i)), options,
                                          out + i * stride);
            }
        });
        return images_from_rgb(rgb);
    }

    at::Tensor labels(int64_t n, uint64_t index) override {
        at::Tensor out = at::empty({n, portrait::kAttributeCount}, at::kFloat);
        for (int64_t i = 0; i < n; ++i) {
            const portrait::Attributes a = portrait::sample_attributes(seed(n, index, i));
            for (int k = 0; k < portrait::kAttributeCount; ++k) out[i][k] = a[k];
        }
        return out;
    }

    std::string description() const override {
        return "portraits rendered on the fly (seeds from " + std::to_string(first_seed_) +
               ", supersample " + std::to_string(supersample_) + ")";
    }

  private:
    uint64_t seed(int64_t n, uint64_t index, int64_t i) const {
        return first_seed_ + index * static_cast<uint64_t>(n) + static_cast<uint64_t>(i);
    }
    int resolution_;
    uint64_t first_seed_;
    int supersample_;
};

}  // namespace

std::unique_ptr<ImageSource> portrait_source(int resolution, uint64_t first_seed, int supersample) {
    return std::make_unique<PortraitSource>(resolution, first_seed, supersample);
}

}  // namespace ls::train
