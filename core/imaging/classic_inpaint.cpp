#include "imaging/classic_inpaint.h"

#include <opencv2/photo.hpp>

#include "io/value.h"

namespace ls {

RgbImage inpaint_telea(const RgbImage& image, const GreyImage& mask, double radius) {
    if (image.width != mask.width || image.height != mask.height) {
        throw io::FormatError("the mask is " + std::to_string(mask.width) + " x " +
                              std::to_string(mask.height) + " but the image is " +
                              std::to_string(image.width) + " x " + std::to_string(image.height));
    }
    const cv::Mat src(image.height, image.width, CV_8UC3,
                      const_cast<uint8_t*>(image.pixels.data()));
    const cv::Mat m(mask.height, mask.width, CV_8UC1, const_cast<uint8_t*>(mask.pixels.data()));
    cv::Mat dst;
    cv::inpaint(src, m, dst, radius, cv::INPAINT_TELEA);
    RgbImage out{image.width, image.height, {}};
    out.pixels.assign(dst.data, dst.data + dst.total() * 3);
    return out;
}

}  // namespace ls
