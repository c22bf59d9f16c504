// A folder of the user's images as a training source (OpenCV decodes them).
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "io/value.h"
#include "train/image_source.h"

namespace fs = std::filesystem;

namespace ls::train {

namespace {

bool is_image_file(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    for (const char* e : {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}) {
        if (ext == e) return true;
    }
    return false;
}

// Centre square crop, resized with area averaging (the right filter for shrinking).
cv::Mat square(const cv::Mat& bgr, int size) {
    const int side = std::min(bgr.cols, bgr.rows);
    const cv::Mat crop = bgr(cv::Rect((bgr.cols - side) / 2, (bgr.rows - side) / 2, side, side));
    cv::Mat out, rgb;
    cv::resize(crop, out, cv::Size(size, size), 0, 0,
               side > size ? cv::INTER_AREA : cv::INTER_CUBIC);
    cv::cvtColor(out, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

class FolderSource : public ImageSource {
  public:
    FolderSource(const std::string& folder, int resolution, uint64_t seed)
        : folder_(folder), resolution_(resolution), seed_(seed) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec))
            throw io::FormatError("'" + folder + "' is not a folder");
        std::vector<fs::path> files;
        for (const auto& e : fs::recursive_directory_iterator(folder, ec)) {
            if (e.is_regular_file() && is_image_file(e.path())) files.push_back(e.path());
        }
        std::sort(files.begin(), files.end());
        std::vector<cv::Mat> images;
        for (const auto& f : files) {
            cv::Mat m = cv::imread(f.string(), cv::IMREAD_COLOR);
            if (m.empty()) {
                skipped_.push_back(f.string());
                continue;
            }
            images.push_back(square(m, resolution));
        }
        if (images.empty()) {
            throw io::FormatError("no readable images in '" + folder +
                                  "' (PNG, JPEG, WebP, BMP or TIFF files)");
        }
        const int64_t stride = int64_t(resolution) * resolution * 3;
        data_ = at::empty({int64_t(images.size()), resolution, resolution, 3}, at::kByte);
        for (size_t i = 0; i < images.size(); ++i) {
            std::memcpy(data_.data_ptr<uint8_t>() + i * stride, images[i].data, stride);
        }
    }

    int resolution() const override { return resolution_; }

    at::Tensor batch(int64_t n, uint64_t index) override {
        at::Generator gen = at::detail::createCPUGenerator(seed_ * 0x9E3779B97F4A7C15ull + index);
        const at::Tensor pick = at::randint(data_.size(0), {n}, gen, at::kLong);
        at::Tensor images = images_from_rgb(data_.index_select(0, pick));
        // Horizontal flips double a small data set (as StyleGAN2's --mirror does).
        const at::Tensor flip = at::rand({n}, gen) < 0.5;
        return at::where(flip.view({n, 1, 1, 1}), images.flip({3}), images);
    }

    std::string description() const override {
        return "folder '" + folder_ + "': " + std::to_string(data_.size(0)) + " images" +
               (skipped_.empty() ? ""
                                 : ", " + std::to_string(skipped_.size()) + " unreadable skipped");
    }

  private:
    std::string folder_;
    int resolution_;
    uint64_t seed_;
    at::Tensor data_;
    std::vector<std::string> skipped_;
};

}  // namespace

std::unique_ptr<ImageSource> folder_source(const std::string& folder, int resolution,
                                           uint64_t seed) {
    return std::make_unique<FolderSource>(folder, resolution, seed);
}

}  // namespace ls::train
