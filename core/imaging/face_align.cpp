// The geometry of alignment: plain C++ (no OpenCV), so that it builds on every host.
#include "imaging/face_align.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numeric>
#include <stdexcept>

#include "portrait/portrait_renderer.h"

namespace ls {

namespace {

Point2 operator+(Point2 a, Point2 b) {
    return {a.x + b.x, a.y + b.y};
}
Point2 operator-(Point2 a, Point2 b) {
    return {a.x - b.x, a.y - b.y};
}
Point2 operator*(Point2 a, double s) {
    return {a.x * s, a.y * s};
}
double norm(Point2 a) {
    return std::hypot(a.x, a.y);
}
Point2 midpoint(Point2 a, Point2 b) {
    return (a + b) * 0.5;
}

// NVIDIA's ffhq-dataset script (recreate_aligned_images), step by step:
//   x = eye_to_eye - flipud(eye_to_mouth) * [-1, 1]; x /= |x|
//   x *= max(2 |eye_to_eye|, 1.8 |eye_to_mouth|); y = flipud(x) * [-1, 1]
//   c = eye_avg + 0.1 eye_to_mouth; quad = [c - x - y, c - x + y, c + x + y, c + x - y]
Alignment ffhq_alignment(const FaceLandmarks& f) {
    const Point2 eye_avg = midpoint(f.left_eye, f.right_eye);
    const Point2 eye_to_eye = f.right_eye - f.left_eye;
    const Point2 eye_to_mouth = midpoint(f.mouth_left, f.mouth_right) - eye_avg;
    Point2 x{eye_to_eye.x + eye_to_mouth.y, eye_to_eye.y - eye_to_mouth.x};
    if (norm(x) == 0) throw std::invalid_argument("align_face: the landmarks coincide");
    x = x * (std::max(2.0 * norm(eye_to_eye), 1.8 * norm(eye_to_mouth)) / norm(x));
    const Point2 y{-x.y, x.x};
    const Point2 c = eye_avg + eye_to_mouth * 0.1;
    return {{c - x - y, c - x + y, c + x + y, c + x - y}, "ffhq"};
}

// The least-squares similarity (rotation, uniform scale, shift; no reflection) from the
// template's points (eye, eye, mouth centre; in crop fractions) to the photo's, in complex
// numbers: photo = a * crop + b. The crop's corners then follow.
Alignment template_alignment(const FaceLandmarks& f, const AlignTemplate& t) {
    using C = std::complex<double>;
    auto c = [](Point2 p) { return C(p.x, p.y); };
    const std::array<C, 3> from{c(t.left_eye), c(t.right_eye), c(t.mouth)};
    const std::array<C, 3> to{c(f.left_eye), c(f.right_eye),
                              c(midpoint(f.mouth_left, f.mouth_right))};
    const size_t n = f.mouth_estimated ? 2 : 3;  // two points fix a similarity exactly
    const C from_mean = std::accumulate(from.begin(), from.begin() + n, C(0)) / double(n);
    const C to_mean = std::accumulate(to.begin(), to.begin() + n, C(0)) / double(n);
    C num = 0;
    double den = 0;
    for (size_t i = 0; i < n; ++i) {
        num += (to[i] - to_mean) * std::conj(from[i] - from_mean);
        den += std::norm(from[i] - from_mean);
    }
    if (den == 0 || num == C(0))
        throw std::invalid_argument("align_face: the template's or the face's points coincide");
    const C a = num / den, b = to_mean - a * from_mean;
    auto corner = [&](double u, double v) {
        const C p = a * C(u, v) + b;
        return Point2{p.real(), p.imag()};
    };
    return {{corner(0, 0), corner(0, 1), corner(1, 1), corner(1, 0)}, "template"};
}

Point2 box_centre(portrait::Region r) {
    const portrait::Box b = portrait::region_box(r);
    return {0.5 * (b.x0 + b.x1), 0.5 * (b.y0 + b.y1)};
}

}  // namespace

Alignment align_face(const FaceLandmarks& face, const AlignTemplate& framing) {
    if (framing.kind == "ffhq") return ffhq_alignment(face);
    if (framing.kind == "template") return template_alignment(face, framing);
    throw std::invalid_argument("align_face: unknown framing '" + framing.kind +
                                "' (use ffhq or template)");
}

Alignment centre_alignment(int photo_width, int photo_height) {
    const double side = std::min(photo_width, photo_height);
    const double x0 = (photo_width - side) / 2, y0 = (photo_height - side) / 2;
    return {{Point2{x0, y0}, Point2{x0, y0 + side}, Point2{x0 + side, y0 + side},
             Point2{x0 + side, y0}},
            "centre"};
}

// The centres of region_box()'s eye and mouth boxes: within 1 % of the image of where the
// renderer draws the pupils (x 0.4075 / 0.5925, y 0.40) and the mouth (y 0.69) of a frontal
// head, which is all the embedded model saw.
AlignTemplate portrait_template() {
    AlignTemplate t;
    t.kind = "template";
    t.left_eye = box_centre(portrait::Region::LeftEye);
    t.right_eye = box_centre(portrait::Region::RightEye);
    t.mouth = box_centre(portrait::Region::Mouth);
    return t;
}

}  // namespace ls
