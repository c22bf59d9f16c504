#include "model/tensor_npy.h"

#include <cstring>
#include <stdexcept>

namespace ls {

at::Tensor npy_to_tensor(const io::NpyArray& array) {
    auto copy = array.data;  // from_blob does not own its memory
    return at::from_blob(copy.data(), array.shape, at::kFloat).clone();
}

io::NpyArray tensor_to_npy(const at::Tensor& tensor) {
    const at::Tensor t = tensor.detach().to(at::kCPU, at::kFloat).contiguous();
    io::NpyArray out;
    out.shape.assign(t.sizes().begin(), t.sizes().end());
    out.data.resize(static_cast<size_t>(t.numel()));
    if (t.numel() > 0)
        std::memcpy(out.data.data(), t.data_ptr<float>(), out.data.size() * sizeof(float));
    return out;
}

}  // namespace ls

namespace ls {

std::vector<RgbImage> tensor_to_rgb(const at::Tensor& images) {
    const at::Tensor u8 = (images.detach().to(at::kCPU, at::kFloat) * 127.5 + 128)
                              .clamp(0, 255)
                              .to(at::kByte)
                              .permute({0, 2, 3, 1})
                              .contiguous();
    std::vector<RgbImage> out;
    for (int64_t i = 0; i < u8.size(0); ++i) {
        RgbImage img;
        img.height = static_cast<int>(u8.size(1));
        img.width = static_cast<int>(u8.size(2));
        const at::Tensor one = u8[i];
        img.pixels.assign(one.data_ptr<uint8_t>(), one.data_ptr<uint8_t>() + one.numel());
        out.push_back(std::move(img));
    }
    return out;
}

at::Tensor rgb_to_tensor(const RgbImage& image) {
    const int64_t expected = int64_t{image.width} * image.height * 3;
    if (image.width <= 0 || image.height <= 0 ||
        static_cast<int64_t>(image.pixels.size()) != expected) {
        throw std::invalid_argument("rgb_to_tensor: the image's pixels do not match its size");
    }
    const at::Tensor u8 = at::from_blob(const_cast<uint8_t*>(image.pixels.data()),
                                        {1, image.height, image.width, 3}, at::kByte);
    return ((u8.to(at::kFloat) - 128) / 127.5).permute({0, 3, 1, 2}).contiguous();
}

}  // namespace ls
