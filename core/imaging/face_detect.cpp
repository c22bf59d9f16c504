// Face detection (OpenCV): the Haar cascades of Debian's opencv-data, or YuNet.
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <vector>

#include "imaging/face_align.h"
#include "io/value.h"

namespace ls {

namespace {

// Detection runs on a copy no larger than this (faces in a photo are rarely under 1/20 of it).
constexpr int kDetectSide = 1024;

bool readable(const std::string& path) {
    return std::ifstream(path).good();
}

std::string cascade_dir(const DetectorOptions& o) {
    if (!o.cascade_dir.empty()) return o.cascade_dir;
    for (const char* dir : {"/usr/share/opencv4/haarcascades", "/usr/share/opencv/haarcascades",
                            "/usr/local/share/opencv4/haarcascades"})
        if (readable(std::string(dir) + "/haarcascade_frontalface_default.xml")) return dir;
    return "/usr/share/opencv4/haarcascades";
}

cv::CascadeClassifier load_cascade(const std::string& dir, const std::string& file) {
    const std::string path = dir + "/" + file;
    cv::CascadeClassifier c;
    bool ok = false;
    try {
        ok = readable(path) && c.load(path);
    } catch (const cv::Exception&) {
        ok = false;
    }
    if (!ok)
        throw io::FormatError("cannot read the Haar cascade " + path +
                              " (the cascades come with the Debian package opencv-data)");
    return c;
}

// The photo as grey at most kDetectSide a side, and the factor back to photo pixels.
cv::Mat detection_grey(const RgbImage& photo, double* to_photo) {
    const cv::Mat rgb(photo.height, photo.width, CV_8UC3,
                      const_cast<uint8_t*>(photo.pixels.data()));
    cv::Mat grey;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    const double scale = std::min(1.0, kDetectSide / double(std::max(photo.width, photo.height)));
    if (scale < 1) cv::resize(grey, grey, {}, scale, scale, cv::INTER_AREA);
    *to_photo = 1 / scale;
    return grey;
}

struct Eye {
    cv::Point2d centre;
    double size = 0;
};

// The eye cascades' window is 20 x 20 pixels, so a face is enlarged to at least this width
// before its eyes are looked for (a 40-pixel face has 8-pixel eyes).
constexpr int kEyeSearchWidth = 240;

// Two eyes, one per half of the face's upper band (the largest candidate in each), at about the
// same height and a plausible distance apart; empty otherwise.
std::vector<Eye> find_eyes(cv::CascadeClassifier& cascade, const cv::Mat& grey, cv::Rect face) {
    const cv::Rect band =
        cv::Rect(face.x, face.y + face.height / 6, face.width, face.height * 2 / 5) &
        cv::Rect(0, 0, grey.cols, grey.rows);
    if (band.empty()) return {};
    const double zoom = std::max(1.0, kEyeSearchWidth / double(face.width));
    cv::Mat roi;
    cv::resize(grey(band), roi, {}, zoom, zoom, cv::INTER_LINEAR);
    const int w = static_cast<int>(face.width * zoom);
    std::vector<cv::Rect> found;
    cascade.detectMultiScale(roi, found, 1.05, 3, 0, {w / 10, w / 10}, {w / 2, w / 2});
    Eye left, right;
    for (const cv::Rect& r : found) {
        const cv::Point2d c(band.x + (r.x + r.width / 2.0) / zoom,
                            band.y + (r.y + r.height / 2.0) / zoom);
        Eye& slot = c.x < face.x + face.width / 2.0 ? left : right;
        if (r.width > slot.size) slot = {c, static_cast<double>(r.width)};
    }
    const cv::Point2d d = right.centre - left.centre;
    const bool plausible = left.size > 0 && right.size > 0 && std::abs(d.y) < 0.25 * face.width &&
                           d.x > 0.2 * face.width && d.x < 0.7 * face.width;
    if (!plausible) return {};
    return {left, right};
}

// Where the eyes of a frontal face lie in the box of the frontal face cascades, for when the eye
// cascades find no pair.
std::vector<Eye> estimated_eyes(cv::Rect face) {
    const double y = face.y + 0.38 * face.height;
    return {{{face.x + 0.31 * face.width, y}, 0}, {{face.x + 0.69 * face.width, y}, 0}};
}

// There is no mouth cascade in opencv-data 4.6 (haarcascade_smile fires on smiles only, and
// often on teeth-like texture elsewhere), so the mouth corners are estimated from the eyes: on
// the perpendicular of the eye line, at 1.05 times the distance between the eyes below their
// midpoint (FFHQ's mean face), and 0.8 times that distance wide. FFHQ alignment uses only the
// mouth's centre, and weighs it less than the eyes (the crop's scale is 2 |eye_to_eye| unless the
// face is very long), so an estimate frames the face well.
void estimate_mouth(FaceLandmarks& f) {
    const double ex = f.right_eye.x - f.left_eye.x, ey = f.right_eye.y - f.left_eye.y;
    const Point2 mid{(f.left_eye.x + f.right_eye.x) / 2, (f.left_eye.y + f.right_eye.y) / 2};
    const Point2 centre{mid.x - 1.05 * ey, mid.y + 1.05 * ex};  // the eye line turned 90 degrees
    f.mouth_left = {centre.x - 0.4 * ex, centre.y - 0.4 * ey};
    f.mouth_right = {centre.x + 0.4 * ex, centre.y + 0.4 * ey};
}

struct Candidate {
    cv::Rect face;
    int votes = 0;
    std::vector<Eye> eyes;  // empty: no pair found
};

// Face boxes from one cascade, each with the eyes found inside it.
std::vector<Candidate> candidates(cv::CascadeClassifier& faces, cv::CascadeClassifier& eyes,
                                  cv::CascadeClassifier& glasses, const cv::Mat& grey) {
    std::vector<cv::Rect> found;
    std::vector<int> votes;
    const int min_face = std::max(24, std::min(grey.cols, grey.rows) / 20);
    faces.detectMultiScale(grey, found, votes, 1.1, 4, 0, {min_face, min_face});
    std::vector<Candidate> out;
    for (size_t i = 0; i < found.size(); ++i) {
        Candidate c{found[i], i < votes.size() ? votes[i] : 0, find_eyes(eyes, grey, found[i])};
        if (c.eyes.empty()) c.eyes = find_eyes(glasses, grey, found[i]);
        out.push_back(c);
    }
    return out;
}

// The largest face whose eyes were found; failing that, the largest face. A face box without
// eyes is often a false detection (a shirt's pattern, a crowd) that is larger than the real one.
const Candidate* choose(const std::vector<Candidate>& all) {
    const Candidate* best = nullptr;
    for (const Candidate& c : all) {
        const bool better =
            !best || (!c.eyes.empty() && best->eyes.empty()) ||
            (c.eyes.empty() == best->eyes.empty() && c.face.area() > best->face.area());
        if (better) best = &c;
    }
    return best;
}

// frontalface_default first, then frontalface_alt2, which finds more of the stylised faces of
// the portrait renderer (27 of 60 at 256 px against 12 of 60 for default alone).
std::optional<FaceLandmarks> detect_haar(const RgbImage& photo, const DetectorOptions& o) {
    const std::string dir = cascade_dir(o);
    cv::CascadeClassifier faces = load_cascade(dir, "haarcascade_frontalface_default.xml");
    cv::CascadeClassifier eyes = load_cascade(dir, "haarcascade_eye.xml");
    cv::CascadeClassifier glasses = load_cascade(dir, "haarcascade_eye_tree_eyeglasses.xml");
    double to_photo = 1;
    const cv::Mat grey = detection_grey(photo, &to_photo);
    cv::Mat equalised;
    cv::equalizeHist(grey, equalised);
    std::vector<Candidate> all = candidates(faces, eyes, glasses, equalised);
    const Candidate* first = choose(all);
    if (!first || first->eyes.empty()) {
        cv::CascadeClassifier alt2 = load_cascade(dir, "haarcascade_frontalface_alt2.xml");
        const std::vector<Candidate> more = candidates(alt2, eyes, glasses, grey);
        all.insert(all.end(), more.begin(), more.end());
    }
    const Candidate* c = choose(all);
    if (!c) return std::nullopt;
    const std::vector<Eye> e = c->eyes.empty() ? estimated_eyes(c->face) : c->eyes;
    FaceLandmarks f;
    // Rectangles' centres are already in edge coordinates (a rectangle spans x .. x + width).
    f.left_eye = {e[0].centre.x * to_photo, e[0].centre.y * to_photo};
    f.right_eye = {e[1].centre.x * to_photo, e[1].centre.y * to_photo};
    estimate_mouth(f);
    f.mouth_estimated = true;
    f.score = c->votes;
    f.source = "haar";
    return f;
}

// YuNet's rows (pixel-centre coordinates): x, y, w, h, then the right eye, left eye, nose tip,
// right and left mouth corner of the subject (so the subject's right eye is the one on the photo's
// left), then the score.
std::optional<FaceLandmarks> detect_yunet(const RgbImage& photo, const std::string& model) {
    if (!readable(model)) throw io::FormatError("cannot read the YuNet model " + model);
    const cv::Mat rgb(photo.height, photo.width, CV_8UC3,
                      const_cast<uint8_t*>(photo.pixels.data()));
    const double scale = std::min(1.0, kDetectSide / double(std::max(photo.width, photo.height)));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    if (scale < 1) cv::resize(bgr, bgr, {}, scale, scale, cv::INTER_AREA);
    cv::Mat rows;
    try {
        auto detector = cv::FaceDetectorYN::create(model, "", bgr.size(), 0.6f, 0.3f, 50);
        detector->detect(bgr, rows);
    } catch (const cv::Exception& e) {
        throw io::FormatError("cannot run the YuNet model " + model + ": " + e.err);
    }
    if (rows.empty()) return std::nullopt;
    int best = 0;
    for (int i = 1; i < rows.rows; ++i)
        if (rows.at<float>(i, 2) * rows.at<float>(i, 3) >
            rows.at<float>(best, 2) * rows.at<float>(best, 3))
            best = i;
    auto point = [&](int column) {
        return Point2{(rows.at<float>(best, column) + 0.5) / scale,
                      (rows.at<float>(best, column + 1) + 0.5) / scale};
    };
    return FaceLandmarks{point(4), point(6), point(10), point(12), rows.at<float>(best, 14),
                         "yunet"};
}

}  // namespace

std::optional<FaceLandmarks> detect_face(const RgbImage& photo, const DetectorOptions& options) {
    if (photo.width <= 0 || photo.height <= 0 ||
        photo.pixels.size() != static_cast<size_t>(photo.width) * photo.height * 3)
        throw io::FormatError(
            "detect_face: the image is empty or its pixels do not match its size");
    if (!options.yunet_model.empty()) return detect_yunet(photo, options.yunet_model);
    return detect_haar(photo, options);
}

}  // namespace ls
