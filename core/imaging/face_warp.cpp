// The aligned crop out of the photo and back into it (OpenCV).
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "imaging/face_align.h"
#include "io/value.h"

namespace ls {

namespace {

void check_image(int width, int height, size_t bytes, int channels, const char* what) {
    if (width <= 0 || height <= 0 ||
        bytes != static_cast<size_t>(width) * static_cast<size_t>(height) * channels)
        throw io::FormatError(std::string(what) + " is empty or its pixels do not match its size");
}

cv::Mat view(const RgbImage& im) {
    check_image(im.width, im.height, im.pixels.size(), 3, "the image");
    return cv::Mat(im.height, im.width, CV_8UC3, const_cast<uint8_t*>(im.pixels.data()));
}

cv::Mat view(const GreyImage& im) {
    check_image(im.width, im.height, im.pixels.size(), 1, "the mask");
    return cv::Mat(im.height, im.width, CV_8UC1, const_cast<uint8_t*>(im.pixels.data()));
}

RgbImage to_rgb(const cv::Mat& m) {
    RgbImage out{m.cols, m.rows, {}};
    out.pixels.assign(m.datastart, m.dataend);
    return out;
}

cv::Matx33d translation(double dx, double dy) {
    return {1, 0, dx, 0, 1, dy, 0, 0, 1};
}
cv::Matx33d scaling(double sx, double sy) {
    return {sx, 0, 0, 0, sy, 0, 0, 0, 1};
}

// Photo edge coordinates (pixel (0, 0) spans 0..1) -> crop edge coordinates (0..size).
cv::Matx33d photo_to_crop(const Alignment& a, int size) {
    std::array<cv::Point2f, 4> from, to;
    const double s = size;
    const std::array<cv::Point2f, 4> corners{cv::Point2f(0, 0), cv::Point2f(0, s),
                                             cv::Point2f(s, s), cv::Point2f(s, 0)};
    for (size_t i = 0; i < 4; ++i) {
        from[i] = cv::Point2f(static_cast<float>(a.quad[i].x), static_cast<float>(a.quad[i].y));
        to[i] = corners[i];
    }
    const cv::Mat h = cv::getPerspectiveTransform(from.data(), to.data());
    if (h.empty() || !cv::checkRange(h))
        throw io::FormatError("the crop's corners do not span an area");
    return cv::Matx33d(h);
}

// The photo's pixels that the quad's bilinear samples can touch (its bounding box and a margin),
// at least one pixel (the nearest edge, for a quad wholly outside: that is what replication
// would give).
cv::Rect quad_roi(const Alignment& a, int width, int height) {
    double x0 = a.quad[0].x, x1 = x0, y0 = a.quad[0].y, y1 = y0;
    for (const Point2& p : a.quad) {
        x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
        y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    }
    auto clampd = [](double v, int lo, int hi) {
        return static_cast<int>(std::clamp(v, static_cast<double>(lo), static_cast<double>(hi)));
    };
    const int left = clampd(std::floor(x0) - 2, 0, width - 1);
    const int top = clampd(std::floor(y0) - 2, 0, height - 1);
    const int right = clampd(std::ceil(x1) + 2, left + 1, width);
    const int bottom = clampd(std::ceil(y1) + 2, top + 1, height);
    return {left, top, right - left, bottom - top};
}

double quad_side(const Alignment& a) {
    auto dist = [](Point2 p, Point2 q) { return std::hypot(p.x - q.x, p.y - q.y); };
    return 0.5 * (dist(a.quad[0], a.quad[1]) + dist(a.quad[0], a.quad[3]));
}

// The photo region under the quad, shrunk by an integer factor with area averaging when the quad
// is more than twice the crop (the FFHQ script's `shrink`), and the map from its OpenCV pixel
// coordinates (centres at integers) to the crop's.
cv::Mat warp_into_crop(const cv::Mat& photo, const Alignment& a, int size, int border) {
    if (size <= 0) throw io::FormatError("the crop size must be positive");
    const cv::Rect roi = quad_roi(a, photo.cols, photo.rows);
    cv::Mat source = photo(roi);
    double sx = 1, sy = 1;
    const int shrink = static_cast<int>(std::floor(quad_side(a) / size * 0.5));
    if (shrink > 1) {
        const cv::Size small(std::max(1, roi.width / shrink), std::max(1, roi.height / shrink));
        cv::resize(source, source, small, 0, 0, cv::INTER_AREA);
        sx = static_cast<double>(small.width) / roi.width;
        sy = static_cast<double>(small.height) / roi.height;
    }
    const cv::Matx33d map = translation(-0.5, -0.5) * photo_to_crop(a, size) *
                            translation(roi.x, roi.y) * scaling(1 / sx, 1 / sy) *
                            translation(0.5, 0.5);
    cv::Mat out;
    cv::warpPerspective(source, out, map, cv::Size(size, size), cv::INTER_LINEAR, border);
    return out;
}

// The blend weight in the crop: 0 on its outermost ring of pixels, so that nothing outside the
// quad changes, rising with a smoothstep to 1 at `feather` of the size from the edge.
cv::Mat feather_mask(int size, double feather) {
    const double ramp = std::max(feather * size, 1.0);
    cv::Mat m(size, size, CV_32F);
    for (int v = 0; v < size; ++v) {
        for (int u = 0; u < size; ++u) {
            const double d = std::min({u + 0.5, v + 0.5, size - u - 0.5, size - v - 0.5});
            const double t = std::clamp((d - 0.5) / ramp, 0.0, 1.0);
            m.at<float>(v, u) = static_cast<float>(t * t * (3 - 2 * t));
        }
    }
    return m;
}

// Poisson blending (cv::seamlessClone) of the warped crop into the photo region; the solver
// needs the mask clear of the region's border, so its outermost pixels are cleared.
cv::Mat poisson(const cv::Mat& warped, const cv::Mat& photo_roi, const cv::Mat& weight) {
    cv::Mat mask = weight > 0;
    if (mask.rows < 3 || mask.cols < 3) return warped;
    cv::rectangle(mask, cv::Rect(0, 0, mask.cols, mask.rows), cv::Scalar(0), 1);
    const cv::Rect r = cv::boundingRect(mask);
    if (r.empty()) return warped;
    cv::Mat out;
    try {
        cv::seamlessClone(warped, photo_roi, mask, cv::Point(r.x + r.width / 2, r.y + r.height / 2),
                          out, cv::NORMAL_CLONE);
    } catch (const cv::Exception& e) {
        throw io::FormatError("Poisson blending failed: " + e.err);
    }
    return out;
}

// out = photo * (1 - w) + warped * w, leaving the pixels where w is 0 untouched.
void blend_into(cv::Mat& photo_roi, const cv::Mat& warped, const cv::Mat& weight) {
    for (int y = 0; y < photo_roi.rows; ++y) {
        auto* p = photo_roi.ptr<cv::Vec3b>(y);
        const auto* q = warped.ptr<cv::Vec3b>(y);
        const auto* w = weight.ptr<float>(y);
        for (int x = 0; x < photo_roi.cols; ++x) {
            if (w[x] <= 0) continue;
            for (int c = 0; c < 3; ++c)
                p[x][c] = cv::saturate_cast<uint8_t>(p[x][c] + (q[x][c] - p[x][c]) * w[x]);
        }
    }
}

}  // namespace

RgbImage warp_to_crop(const RgbImage& photo, const Alignment& a, int size) {
    return to_rgb(warp_into_crop(view(photo), a, size, cv::BORDER_REPLICATE));
}

// Outside the photo nothing was painted: the border is 0 rather than replicated.
GreyImage warp_mask_to_crop(const GreyImage& mask, const Alignment& a, int size) {
    const cv::Mat m = warp_into_crop(view(mask), a, size, cv::BORDER_CONSTANT);
    GreyImage out{m.cols, m.rows, {}};
    out.pixels.assign(m.datastart, m.dataend);
    return out;
}

RgbImage paste_back(const RgbImage& photo, const Alignment& a, const RgbImage& crop,
                    const PasteOptions& options) {
    const cv::Mat source = view(crop);
    if (crop.width != crop.height)
        throw io::FormatError("the crop to paste back is not square (" +
                              std::to_string(crop.width) + " x " + std::to_string(crop.height) +
                              ")");
    RgbImage out = photo;
    cv::Mat target = view(out);
    const cv::Rect roi = quad_roi(a, target.cols, target.rows);
    // ROI pixel (OpenCV coordinates) -> crop pixel: the inverse map that warpPerspective samples.
    const cv::Matx33d map = translation(-0.5, -0.5) * photo_to_crop(a, crop.width) *
                            translation(roi.x + 0.5, roi.y + 0.5);
    const int flags = cv::INTER_LINEAR | cv::WARP_INVERSE_MAP;
    cv::Mat warped, weight;
    cv::warpPerspective(source, warped, map, roi.size(), flags, cv::BORDER_REPLICATE);
    cv::warpPerspective(feather_mask(crop.width, options.feather), weight, map, roi.size(), flags,
                        cv::BORDER_CONSTANT, cv::Scalar(0));
    cv::Mat region = target(roi);
    if (options.poisson) warped = poisson(warped, region, weight);
    blend_into(region, warped, weight);
    return out;
}

RgbImage composite_masked(const RgbImage& target, const RgbImage& fill, const GreyImage& mask,
                          double feather_px) {
    const cv::Mat t = view(target), f = view(fill), m = view(mask);
    if (t.size() != m.size() || f.size() != m.size())
        throw io::FormatError("the mask is " + std::to_string(m.cols) + " x " +
                              std::to_string(m.rows) + " pixels but the images are " +
                              std::to_string(t.cols) + " x " + std::to_string(t.rows) + " and " +
                              std::to_string(f.cols) + " x " + std::to_string(f.rows));
    cv::Mat weight = m.clone();  // never written through: m is the caller's mask
    // A dilation by half the feather then a box blur as wide: the weight stays >= the mask
    // (a painted pixel shows the fill fully) and falls linearly to 0 over feather_px outside.
    const int r = static_cast<int>(std::ceil(std::max(feather_px, 0.0) / 2));
    if (r > 0) {
        const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * r + 1, 2 * r + 1});
        cv::dilate(m, weight, disc);  // into weight's own buffer
        cv::blur(weight, weight, {2 * r + 1, 2 * r + 1}, {-1, -1}, cv::BORDER_REPLICATE);
        cv::max(weight, m, weight);
    }
    weight.convertTo(weight, CV_32F, 1.0 / 255.0);
    RgbImage out = target;
    cv::Mat o = view(out);
    blend_into(o, f, weight);
    return out;
}

}  // namespace ls
