#include "imaging/photo_crop.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "io/value.h"

namespace ls {

namespace {

std::string size_text(int w, int h) {
    return std::to_string(w) + " x " + std::to_string(h);
}

cv::Mat view(const RgbImage& im) {
    return cv::Mat(im.height, im.width, CV_8UC3, const_cast<uint8_t*>(im.pixels.data()));
}

RgbImage to_rgb(const cv::Mat& m) {
    RgbImage out{m.cols, m.rows, {}};
    const cv::Mat c = m.isContinuous() ? m : m.clone();
    out.pixels.assign(c.data, c.data + c.total() * 3);
    return out;
}

// The crop's side in photo pixels: the size at which the photo's own detail survives.
int native_side(const Alignment& a, int at_least) {
    const double side = std::hypot(a.quad[3].x - a.quad[0].x, a.quad[3].y - a.quad[0].y);
    return std::clamp(static_cast<int>(std::lround(side)), at_least, 4096);
}

// A crop-sized mask as a mask of the photo: the crop's pixels warped back (no feather).
GreyImage crop_mask_to_photo(const GreyImage& mask, const RgbImage& photo, const Alignment& a) {
    RgbImage m3{mask.width, mask.height, {}};
    m3.pixels.resize(mask.pixels.size() * 3);
    for (size_t i = 0; i < mask.pixels.size(); ++i) {
        std::fill_n(m3.pixels.begin() + static_cast<std::ptrdiff_t>(i * 3), 3, mask.pixels[i]);
    }
    RgbImage black{photo.width, photo.height, std::vector<uint8_t>(photo.pixels.size(), 0)};
    PasteOptions sharp;
    sharp.feather = 0;
    const RgbImage pasted = paste_back(black, a, m3, sharp);
    GreyImage out{photo.width, photo.height, std::vector<uint8_t>(photo.pixels.size() / 3)};
    for (size_t i = 0; i < out.pixels.size(); ++i) out.pixels[i] = pasted.pixels[i * 3];
    return out;
}

}  // namespace

PhotoCrop crop_photo(const RgbImage& photo, const std::optional<AlignTemplate>& framing,
                     int resolution, CropMode mode, const DetectorOptions& detector) {
    PhotoCrop out;
    if (mode != CropMode::Centre && framing) {
        out.face = detect_face(photo, detector);
        if (out.face) {
            out.alignment = align_face(*out.face, *framing);
        } else if (mode == CropMode::Face) {
            throw io::FormatError(
                "no face was found in the photo; crop it by hand or use the "
                "centred square");
        } else {
            out.note = "no face was found: the centred square is used (adjust the crop box)";
        }
    } else if (!framing) {
        out.note = "this model is not a face model: the centred square is used";
    }
    if (!out.face) out.alignment = centre_alignment(photo.width, photo.height);
    out.crop = warp_to_crop(photo, out.alignment, resolution);
    return out;
}

GreyImage mask_for_crop(const GreyImage& mask, const RgbImage& photo, const Alignment& a,
                        int resolution) {
    if (mask.width == resolution && mask.height == resolution) return mask;
    if (mask.width == photo.width && mask.height == photo.height) {
        return warp_mask_to_crop(mask, a, resolution);
    }
    throw io::FormatError("the mask is " + size_text(mask.width, mask.height) +
                          " pixels; it must be the photo's size (" +
                          size_text(photo.width, photo.height) + ") or the crop's (" +
                          size_text(resolution, resolution) + ")");
}

RgbImage paste_edit(const RgbImage& photo, const Alignment& a, const RgbImage& reconstruction,
                    const RgbImage& edited, PasteMode mode, const PasteOptions& options) {
    if (reconstruction.width != edited.width || reconstruction.height != edited.height) {
        throw io::FormatError("the reconstruction and the edited crop differ in size");
    }
    if (mode == PasteMode::Replace) return paste_back(photo, a, edited, options);
    // The photo's own crop at its native size, plus the edit's change upsampled to it.
    const int side = native_side(a, edited.width);
    const RgbImage native = warp_to_crop(photo, a, side);
    cv::Mat delta;
    cv::subtract(view(edited), view(reconstruction), delta, cv::noArray(), CV_16SC3);
    cv::Mat delta_up;
    cv::resize(delta, delta_up, cv::Size(side, side), 0, 0, cv::INTER_LINEAR);
    cv::Mat sum;
    cv::add(view(native), delta_up, sum, cv::noArray(), CV_16SC3);
    cv::Mat out8;
    sum.convertTo(out8, CV_8UC3);  // saturates at 0 and 255
    return paste_back(photo, a, to_rgb(out8), options);
}

RgbImage paste_fill(const RgbImage& photo, const Alignment& a, const RgbImage& fill,
                    const GreyImage& mask, double feather) {
    const GreyImage in_photo =
        (mask.width == photo.width && mask.height == photo.height)
            ? mask
            : crop_mask_to_photo(mask_for_crop(mask, photo, a, fill.width), photo, a);
    PasteOptions sharp;
    sharp.feather = 0;
    const RgbImage filled = paste_back(photo, a, fill, sharp);
    return composite_masked(photo, filled, in_photo, feather);
}

}  // namespace ls
