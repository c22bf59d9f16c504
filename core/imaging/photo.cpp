#include "imaging/photo.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <climits>

#include "imaging/image_file.h"
#include "io/npy.h"
#include "io/value.h"

namespace ls {

namespace {

// JPEG: IMREAD_COLOR, because only then does OpenCV apply the EXIF orientation (it skips it for
// IMREAD_UNCHANGED) and convert CMYK/YCCK through libjpeg; a JPEG has no alpha to lose. Other
// formats: IMREAD_UNCHANGED keeps alpha and 16-bit samples. A CMYK TIFF goes through
// IMREAD_COLOR, where libtiff's RGBA reader converts the inks (UNCHANGED would hand back the
// four inks as if they were BGRA).
int decode_flags(const PhotoHeader& h) {
    if (h.format == "JPEG" || h.cmyk) return cv::IMREAD_COLOR;
    return cv::IMREAD_UNCHANGED;
}

cv::Mat decode(const std::vector<uint8_t>& bytes, const PhotoHeader& h, const std::string& name) {
    const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, const_cast<uint8_t*>(bytes.data()));
    cv::Mat m;
    try {
        m = cv::imdecode(raw, decode_flags(h));
    } catch (const cv::Exception&) {
        m.release();  // reported below, in one line (OpenCV's own text spans several)
    }
    if (m.empty())
        throw io::FormatError(name + " is a broken or truncated " + h.format +
                              " file (it could not be decoded)");
    return m;
}

// Any sample type OpenCV's decoders produce -> 8 bits.
cv::Mat to_8bit(const cv::Mat& m, const std::string& name) {
    cv::Mat out;
    switch (m.depth()) {
        case CV_8U:
            return m;
        case CV_16U:
            m.convertTo(out, CV_8U, 1.0 / 257.0);
            return out;
        case CV_32F:
        case CV_64F:
            m.convertTo(out, CV_8U, 255.0);
            return out;  // floating point: 0..1
        default:
            throw io::FormatError(name +
                                  " has samples Latent Studio cannot read (signed "
                                  "integers); save it as 8- or 16-bit RGB");
    }
}

// BGRA -> BGR over a white background: c * a + 255 * (1 - a).
cv::Mat over_white(const cv::Mat& bgra) {
    cv::Mat colour, alpha, a3, out;
    cv::cvtColor(bgra, colour, cv::COLOR_BGRA2BGR);
    cv::extractChannel(bgra, alpha, 3);
    alpha.convertTo(alpha, CV_32F, 1.0 / 255.0);
    cv::merge(std::vector<cv::Mat>{alpha, alpha, alpha}, a3);
    colour.convertTo(colour, CV_32FC3);
    cv::Mat blended = colour.mul(a3) + (cv::Scalar::all(1.0) - a3) * 255.0;
    blended.convertTo(out, CV_8UC3);
    return out;
}

cv::Mat to_bgr(const cv::Mat& m, const std::string& name) {
    cv::Mat out;
    switch (m.channels()) {
        case 1:
            cv::cvtColor(m, out, cv::COLOR_GRAY2BGR);
            return out;
        case 2: {  // grey + alpha
            std::vector<cv::Mat> ga;
            cv::split(m, ga);
            cv::merge(std::vector<cv::Mat>{ga[0], ga[0], ga[0], ga[1]}, out);
            return over_white(out);
        }
        case 3:
            return m;
        case 4:
            return over_white(m);
        default:
            throw io::FormatError(name + " has " + std::to_string(m.channels()) +
                                  " colour channels; Latent Studio reads grey, RGB and RGBA");
    }
}

// EXIF orientation 1..8: how the stored rows must be turned to be seen upright.
cv::Mat orient(const cv::Mat& m, int orientation) {
    cv::Mat out;
    switch (orientation) {
        case 2:
            cv::flip(m, out, 1);
            return out;
        case 3:
            cv::rotate(m, out, cv::ROTATE_180);
            return out;
        case 4:
            cv::flip(m, out, 0);
            return out;
        case 5:
            cv::transpose(m, out);
            return out;
        case 6:
            cv::rotate(m, out, cv::ROTATE_90_CLOCKWISE);
            return out;
        case 7:
            cv::transpose(m, out);
            cv::rotate(out, out, cv::ROTATE_180);
            return out;
        case 8:
            cv::rotate(m, out, cv::ROTATE_90_COUNTERCLOCKWISE);
            return out;
        default:
            return m;
    }
}

// OpenCV 4.6 turns JPEGs (EXIF, outside IMREAD_UNCHANGED) and TIFFs (libtiff, with any flags)
// upright itself, but ignores the EXIF block of a PNG (eXIf) or a WebP (EXIF): those are ours.
bool orientation_is_ours(const PhotoHeader& h) {
    return h.format == "PNG" || h.format == "WebP";
}

RgbImage to_rgb_image(const cv::Mat& bgr) {
    RgbImage image{bgr.cols, bgr.rows, {}};
    image.pixels.resize(static_cast<size_t>(bgr.cols) * bgr.rows * 3);
    cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, image.pixels.data());
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return image;
}

void check_file_size(size_t size, const std::string& name, const PhotoLimits& limits) {
    if (static_cast<uint64_t>(size) > static_cast<uint64_t>(limits.max_file_bytes) ||
        size > static_cast<size_t>(INT_MAX))
        throw io::FormatError(name + " is " + std::to_string(size >> 20) + " MB; the limit is " +
                              std::to_string(limits.max_file_bytes >> 20) + " MB");
}

}  // namespace

RgbImage decode_photo(const std::vector<uint8_t>& bytes, const std::string& name,
                      const PhotoLimits& limits) {
    check_file_size(bytes.size(), name, limits);
    const PhotoHeader header = read_photo_header(bytes, name);
    check_photo_limits(header, name, limits);
    cv::Mat m = to_bgr(to_8bit(decode(bytes, header, name), name), name);
    if (orientation_is_ours(header)) m = orient(m, header.orientation);
    return to_rgb_image(m);
}

RgbImage read_photo(const std::string& path, const PhotoLimits& limits) {
    const auto max_bytes = static_cast<uint64_t>(std::max<int64_t>(limits.max_file_bytes, 0));
    return decode_photo(io::read_file_bytes(path, max_bytes), path, limits);
}

GreyImage read_mask(const std::string& path) {
    const PhotoLimits limits;
    const std::vector<uint8_t> bytes = io::read_file_bytes(path, limits.max_file_bytes);
    const PhotoHeader header = read_photo_header(bytes, path);
    check_photo_limits(header, path, limits);
    // IMREAD_GRAYSCALE: colour -> luminance, 16-bit -> 8-bit, alpha dropped.
    const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, const_cast<uint8_t*>(bytes.data()));
    cv::Mat m;
    try {
        m = cv::imdecode(raw, cv::IMREAD_GRAYSCALE);
    } catch (const cv::Exception&) {
        m.release();
    }
    if (m.empty())
        throw io::FormatError(path + " is a broken or truncated " + header.format +
                              " file (it could not be decoded)");
    if (orientation_is_ours(header)) m = orient(m, header.orientation);
    GreyImage mask{m.cols, m.rows, {}};
    mask.pixels.assign(m.datastart, m.dataend);  // imdecode's result is continuous
    return mask;
}

void write_mask(const std::string& path, const GreyImage& mask) {
    if (image_extension(path) != ".png")
        throw io::FormatError("cannot write the mask to " + path + ": masks are .png files");
    if (mask.width <= 0 || mask.height <= 0 ||
        mask.pixels.size() != static_cast<size_t>(mask.width) * mask.height)
        throw io::FormatError("cannot write the mask to " + path +
                              ": its pixels do not match its size");
    const cv::Mat m(mask.height, mask.width, CV_8U, const_cast<uint8_t*>(mask.pixels.data()));
    std::vector<uint8_t> encoded;
    if (!cv::imencode(".png", m, encoded))
        throw io::FormatError("cannot encode the mask for " + path + " as PNG");
    io::write_file_atomic(path, encoded);
}

}  // namespace ls
