#include "imaging/image_file.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "io/npy.h"
#include "io/value.h"

namespace ls {

void write_image(const std::string& path, const RgbImage& image, int jpeg_quality) {
    const std::string ext = image_extension(path);
    if (!is_image_path(path)) {
        throw io::FormatError("cannot write '" + path + "': use a .png, .jpg or .jpeg name");
    }
    // cv::Mat over the caller's pixels (no copy), converted to OpenCV's BGR order.
    const cv::Mat rgb(image.height, image.width, CV_8UC3,
                      const_cast<uint8_t*>(image.pixels.data()));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<int> params;
    if (ext != ".png") params = {cv::IMWRITE_JPEG_QUALITY, jpeg_quality};
    std::vector<uint8_t> encoded;
    if (!cv::imencode(ext, bgr, encoded, params)) {
        throw io::FormatError("cannot encode the image as " + ext);
    }
    io::write_file_atomic(path, encoded);
}

}  // namespace ls
