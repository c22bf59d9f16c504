// Alignment geometry, the crop and the paste back.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>

#include "imaging/face_align.h"
#include "imaging_support.h"
#include "io/value.h"

namespace ls {
namespace {

using namespace imaging_test;

void expect_point(Point2 actual, Point2 expected, double tolerance, const std::string& what) {
    EXPECT_NEAR(actual.x, expected.x, tolerance) << what;
    EXPECT_NEAR(actual.y, expected.y, tolerance) << what;
}

// Eyes at (40, 50) and (60, 50), mouth corners at (45, 70) and (55, 70), by hand:
//   eye_avg = (50, 50), eye_to_eye = (20, 0), mouth_avg = (50, 70), eye_to_mouth = (0, 20)
//   x = eye_to_eye - flipud(eye_to_mouth) * [-1, 1] = (20, 0) - (20, 0) * [-1, 1] = (40, 0)
//   x /= |x| -> (1, 0); x *= max(2 * 20, 1.8 * 20) = 40 -> (40, 0); y = flipud(x) * [-1, 1]
//   = (0, 40); c = eye_avg + 0.1 * eye_to_mouth = (50, 52)
//   quad = c - x - y, c - x + y, c + x + y, c + x - y = (10, 12), (10, 92), (90, 92), (90, 12)
TEST(AlignFace, FfhqByHand) {
    const FaceLandmarks face{{40, 50}, {60, 50}, {45, 70}, {55, 70}, 1, "test"};
    const Alignment a = align_face(face, AlignTemplate{});
    EXPECT_EQ(a.method, "ffhq");
    expect_point(a.quad[0], {10, 12}, 1e-9, "top-left");
    expect_point(a.quad[1], {10, 92}, 1e-9, "bottom-left");
    expect_point(a.quad[2], {90, 92}, 1e-9, "bottom-right");
    expect_point(a.quad[3], {90, 12}, 1e-9, "top-right");
}

// A long face: eye_to_mouth (0, 30) wins the scale, 1.8 * 30 = 54 > 2 * 20, and the quad
// turns with the eye line (here by 90 degrees: the eyes one above the other).
TEST(AlignFace, FfhqLongAndTurnedFace) {
    const FaceLandmarks face{{50, 40}, {50, 60}, {20, 45}, {20, 55}, 1, "test"};
    const Alignment a = align_face(face, AlignTemplate{});
    // eye_avg (50, 50), eye_to_eye (0, 20), eye_to_mouth (-30, 0): x = (0 + 0, 20 + 30) -> unit
    // (0, 1) * max(40, 54) = (0, 54); y = (-54, 0); c = (47, 50).
    expect_point(a.quad[0], {47 + 54, 50 - 54}, 1e-9, "top-left");
    expect_point(a.quad[1], {47 - 54, 50 - 54}, 1e-9, "bottom-left");
    expect_point(a.quad[2], {47 - 54, 50 + 54}, 1e-9, "bottom-right");
    expect_point(a.quad[3], {47 + 54, 50 + 54}, 1e-9, "top-right");
}

TEST(AlignFace, UnknownFramingAndCoincidingPointsAreRefused) {
    const FaceLandmarks face{{40, 50}, {60, 50}, {45, 70}, {55, 70}, 1, "test"};
    AlignTemplate odd;
    odd.kind = "square";
    EXPECT_THROW(align_face(face, odd), std::invalid_argument);
    const FaceLandmarks dot{{5, 5}, {5, 5}, {5, 5}, {5, 5}, 1, "test"};
    EXPECT_THROW(align_face(dot, AlignTemplate{}), std::invalid_argument);
    AlignTemplate t;
    t.kind = "template";
    EXPECT_THROW(align_face(dot, t), std::invalid_argument);
}

TEST(CentreAlignment, LargestCentredSquare) {
    const Alignment a = centre_alignment(300, 200);
    EXPECT_EQ(a.method, "centre");
    expect_point(a.quad[0], {50, 0}, 0, "top-left");
    expect_point(a.quad[1], {50, 200}, 0, "bottom-left");
    expect_point(a.quad[2], {250, 200}, 0, "bottom-right");
    expect_point(a.quad[3], {250, 0}, 0, "top-right");
    const Alignment tall = centre_alignment(200, 300);
    expect_point(tall.quad[0], {0, 50}, 0, "top-left of a tall photo");
    expect_point(tall.quad[2], {200, 250}, 0, "bottom-right of a tall photo");
}

TEST(PortraitTemplate, EyesAndMouthOfTheRenderer) {
    const AlignTemplate t = portrait_template();
    EXPECT_EQ(t.kind, "template");
    EXPECT_NEAR(t.left_eye.x, 0.4075, 0.01);
    EXPECT_NEAR(t.right_eye.x, 0.5925, 0.01);
    EXPECT_NEAR(t.left_eye.y, 0.40, 0.015);
    EXPECT_DOUBLE_EQ(t.left_eye.y, t.right_eye.y);
    EXPECT_NEAR(t.mouth.x, 0.5, 1e-6);
    EXPECT_NEAR(t.mouth.y, 0.69, 0.015);
}

// The template's points through a similarity (scale 100, turned 20 degrees, shifted): the
// photo's landmarks. Coloured dots there must land on the template's points in the crop.
struct DotPhoto {
    RgbImage photo;
    FaceLandmarks face;
};

DotPhoto dot_photo(const AlignTemplate& t) {
    const std::complex<double> a = std::polar(100.0, 20 * M_PI / 180), b(50, 30);
    auto map = [&](Point2 p) {
        const auto q = a * std::complex<double>(p.x, p.y) + b;
        return Point2{q.real(), q.imag()};
    };
    cv::Mat bgr(160, 200, CV_8UC3, cv::Scalar(0, 0, 0));
    const std::array<std::pair<Point2, cv::Scalar>, 3> dots{{{map(t.left_eye), {0, 0, 255}},
                                                             {map(t.right_eye), {0, 255, 0}},
                                                             {map(t.mouth), {255, 0, 0}}}};
    for (const auto& [p, colour] : dots)  // sub-pixel centres (shift 4), OpenCV coordinates
        cv::circle(
            bgr, cv::Point(int(std::lround((p.x - 0.5) * 16)), int(std::lround((p.y - 0.5) * 16))),
            3 * 16, colour, cv::FILLED, cv::LINE_AA, 4);
    const Point2 m = map(t.mouth), along = map({t.mouth.x + 0.05, t.mouth.y});
    const Point2 d{along.x - m.x, along.y - m.y};
    FaceLandmarks face{
        map(t.left_eye), map(t.right_eye), {m.x - d.x, m.y - d.y}, {m.x + d.x, m.y + d.y}, 1,
        "test"};
    return {from_bgr(bgr), face};
}

// The intensity-weighted centre of one channel, in edge coordinates.
Point2 centroid(const RgbImage& im, int channel) {
    double sum = 0, sx = 0, sy = 0;
    for (int y = 0; y < im.height; ++y)
        for (int x = 0; x < im.width; ++x) {
            const double v = im.pixels[(size_t(y) * im.width + x) * 3 + channel];
            sum += v, sx += v * (x + 0.5), sy += v * (y + 0.5);
        }
    return {sx / sum, sy / sum};
}

TEST(AlignFace, TemplatePutsTheLandmarksOnTheTargets) {
    AlignTemplate t;
    t.kind = "template";
    const DotPhoto d = dot_photo(t);
    const Alignment a = align_face(d.face, t);
    EXPECT_EQ(a.method, "template");
    const std::complex<double> s = std::polar(100.0, 20 * M_PI / 180);
    expect_point(a.quad[0], {50, 30}, 1e-9, "the crop's top-left is the similarity's shift");
    expect_point(a.quad[3], {50 + s.real(), 30 + s.imag()}, 1e-9, "top-right");
    const RgbImage crop = warp_to_crop(d.photo, a, 100);
    ASSERT_EQ(crop.width, 100);
    expect_point(centroid(crop, 0), {35, 40}, 0.3, "left eye (red)");
    expect_point(centroid(crop, 1), {65, 40}, 0.3, "right eye (green)");
    expect_point(centroid(crop, 2), {50, 70}, 0.3, "mouth (blue)");
}

// Detected faces with guessed mouths (Haar) are framed by their eyes alone: a mouth far off
// changes nothing.
TEST(AlignFace, TemplateWithAnEstimatedMouthUsesTheEyes) {
    AlignTemplate t;
    t.kind = "template";
    FaceLandmarks face = dot_photo(t).face;
    const Alignment measured = align_face(face, t);
    face.mouth_left = {0, 0}, face.mouth_right = {10, 0};
    face.mouth_estimated = true;
    const Alignment eyes_only = align_face(face, t);
    for (size_t i = 0; i < 4; ++i)
        expect_point(eyes_only.quad[i], measured.quad[i], 1e-9, "corner " + std::to_string(i));
}

// A smooth photo, so that two bilinear resamplings change it little.
RgbImage smooth_photo(int width, int height) {
    cv::Mat bgr(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < 3; ++c)
                bgr.at<cv::Vec3b>(y, x)[c] = cv::saturate_cast<uint8_t>(
                    128 + 100 * std::sin(x / 23.0 + c) * std::cos(y / 31.0 - c));
    return from_bgr(bgr);
}

// Is the pixel centre (x + 0.5, y + 0.5) inside the quad (a convex polygon, either winding)?
bool inside(const Alignment& a, int x, int y, double margin) {
    const double px = x + 0.5, py = y + 0.5;
    int sign = 0;
    for (size_t i = 0; i < 4; ++i) {
        const Point2 p = a.quad[i], q = a.quad[(i + 1) % 4];
        const double len = std::hypot(q.x - p.x, q.y - p.y);
        const double cross = ((q.x - p.x) * (py - p.y) - (q.y - p.y) * (px - p.x)) / len;
        if (std::abs(cross) < margin) return false;
        const int s = cross > 0 ? 1 : -1;
        if (sign != 0 && s != sign) return false;
        sign = s;
    }
    return true;
}

struct Comparison {
    int worst_inside = 0, changed_outside = 0;
};

Comparison compare(const RgbImage& before, const RgbImage& after, const Alignment& a) {
    Comparison c;
    for (int y = 0; y < before.height; ++y)
        for (int x = 0; x < before.width; ++x) {
            const int d =
                static_cast<int>(cv::norm(rgb_at(before, x, y), rgb_at(after, x, y), cv::NORM_INF));
            if (inside(a, x, y, 1.0)) c.worst_inside = std::max(c.worst_inside, d);
            if (!inside(a, x, y, -0.0) && d != 0) ++c.changed_outside;
        }
    return c;
}

TEST(PasteBack, UnchangedCropReproducesThePhoto) {
    const RgbImage photo = smooth_photo(240, 180);
    const FaceLandmarks face{{100, 80}, {140, 75}, {105, 120}, {135, 118}, 1, "test"};
    const Alignment a = align_face(face, AlignTemplate{});
    const RgbImage crop = warp_to_crop(photo, a, 128);
    const Comparison c = compare(photo, paste_back(photo, a, crop), a);
    EXPECT_LE(c.worst_inside, 4);
    EXPECT_EQ(c.changed_outside, 0);
}

TEST(PasteBack, QuadPartlyOutsideThePhoto) {
    const RgbImage photo = smooth_photo(160, 120);
    const Alignment a{
        {Point2{-30.5, 10.25}, Point2{-30.5, 150.25}, Point2{109.5, 150.25}, Point2{109.5, 10.25}},
        "user"};
    const RgbImage crop = warp_to_crop(photo, a, 64);
    const Comparison c = compare(photo, paste_back(photo, a, crop), a);
    EXPECT_LE(c.worst_inside, 8);
    EXPECT_EQ(c.changed_outside, 0);
}

TEST(PasteBack, PoissonKeepsTheOutsideExactly) {
    const RgbImage photo = smooth_photo(200, 160);
    const FaceLandmarks face{{85, 70}, {115, 72}, {88, 102}, {110, 103}, 1, "test"};
    const Alignment a = align_face(face, AlignTemplate{});
    const RgbImage crop = warp_to_crop(photo, a, 96);
    PasteOptions poisson;
    poisson.poisson = true;
    const Comparison c = compare(photo, paste_back(photo, a, crop, poisson), a);
    EXPECT_LE(c.worst_inside, 8);
    EXPECT_EQ(c.changed_outside, 0);
}

TEST(PasteBack, AnEditedCropShowsInTheMiddle) {
    const RgbImage photo = smooth_photo(200, 160);
    const Alignment a = centre_alignment(200, 160);
    RgbImage black = warp_to_crop(photo, a, 64);
    std::fill(black.pixels.begin(), black.pixels.end(), 0);
    const RgbImage out = paste_back(photo, a, black);
    EXPECT_EQ(rgb_at(out, 100, 80), cv::Vec3b(0, 0, 0));
    EXPECT_EQ(rgb_at(out, 10, 80), rgb_at(photo, 10, 80));  // left of the centred square
    EXPECT_EQ(compare(photo, out, a).changed_outside, 0);
    RgbImage wide = black;
    wide.width = 32, wide.height = 128;
    EXPECT_THROW(paste_back(photo, a, wide), io::FormatError);
}

TEST(WarpMask, CropOfAMask) {
    GreyImage mask{100, 100, std::vector<uint8_t>(100 * 100, 0)};
    for (int y = 25; y < 75; ++y)
        for (int x = 25; x < 75; ++x) mask.pixels[size_t(y) * 100 + x] = 255;
    const GreyImage crop = warp_mask_to_crop(mask, centre_alignment(100, 100), 50);
    ASSERT_EQ(crop.width, 50);
    EXPECT_EQ(crop.pixels[25 * 50 + 25], 255);
    EXPECT_EQ(crop.pixels[5 * 50 + 5], 0);
    EXPECT_EQ(crop.pixels[25 * 50 + 5], 0);
}

TEST(CompositeMasked, FillInsideTargetOutsideFeatherBetween) {
    const RgbImage target{40, 40, std::vector<uint8_t>(40 * 40 * 3, 0)};
    const RgbImage fill{40, 40, std::vector<uint8_t>(40 * 40 * 3, 200)};
    GreyImage mask{40, 40, std::vector<uint8_t>(40 * 40, 0)};
    for (int y = 15; y < 25; ++y)
        for (int x = 15; x < 25; ++x) mask.pixels[size_t(y) * 40 + x] = 255;
    const RgbImage out = composite_masked(target, fill, mask, 6);
    for (int x = 15; x < 25; ++x) EXPECT_EQ(rgb_at(out, x, 20)[0], 200) << "painted, x " << x;
    EXPECT_EQ(rgb_at(out, 31, 20)[0], 0) << "7 pixels outside";
    EXPECT_EQ(rgb_at(out, 5, 5)[0], 0);
    const int ramp = rgb_at(out, 27, 20)[0];  // 3 pixels outside the painted square
    EXPECT_GT(ramp, 0);
    EXPECT_LT(ramp, 200);
    EXPECT_GE(rgb_at(out, 25, 20)[0], rgb_at(out, 27, 20)[0]) << "falls away from the mask";

    const RgbImage hard = composite_masked(target, fill, mask, 0);
    EXPECT_EQ(rgb_at(hard, 24, 20)[0], 200);
    EXPECT_EQ(rgb_at(hard, 25, 20)[0], 0);

    const GreyImage small{20, 20, std::vector<uint8_t>(400, 0)};
    EXPECT_THROW(composite_masked(target, fill, small, 3), io::FormatError);
}

}  // namespace
}  // namespace ls
