// Face detection with the Haar cascades of opencv-data (and the errors around it).
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "imaging/face_align.h"
#include "imaging/photo.h"
#include "imaging_support.h"
#include "io/value.h"
#include "portrait/portrait_renderer.h"

namespace ls {
namespace {

using namespace imaging_test;

TEST(DetectFace, BlankImageHasNoFace) {
    const RgbImage blank{200, 150, std::vector<uint8_t>(200 * 150 * 3, 128)};
    EXPECT_FALSE(detect_face(blank).has_value());
}

TEST(DetectFace, MissingCascadesAreAClearError) {
    const RgbImage blank{64, 64, std::vector<uint8_t>(64 * 64 * 3, 128)};
    DetectorOptions o;
    o.cascade_dir = "/nonexistent/haarcascades";
    try {
        detect_face(blank, o);
        ADD_FAILURE() << "no error";
    } catch (const io::FormatError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("/nonexistent/haarcascades/haarcascade_frontalface_default.xml"),
                  std::string::npos)
            << m;
        EXPECT_NE(m.find("opencv-data"), std::string::npos) << m;
    }
}

TEST(DetectFace, MissingYunetModelIsAClearError) {
    const RgbImage blank{64, 64, std::vector<uint8_t>(64 * 64 * 3, 128)};
    DetectorOptions o;
    o.yunet_model = "/nonexistent/yunet.onnx";
    EXPECT_THROW(detect_face(blank, o), io::FormatError);
}

TEST(DetectFace, ByHand) {
    const char* path = std::getenv("LS_FACE_PHOTO");
    if (!path) GTEST_SKIP();
    const RgbImage photo = read_photo(path);
    const auto f = detect_face(photo);
    if (!f) {
        std::cout << "no face\n";
        return;
    }
    std::cout << "eyes " << f->left_eye.x << "," << f->left_eye.y << "  " << f->right_eye.x << ","
              << f->right_eye.y << " mouth " << f->mouth_left.x << "," << f->mouth_left.y << "  "
              << f->mouth_right.x << "," << f->mouth_right.y << " score " << f->score << "\n";
    const Alignment a = align_face(*f, AlignTemplate{});
    const RgbImage crop = warp_to_crop(photo, a, 256);
    cv::imwrite("/tmp/ls_crop.png", as_bgr(crop));
}

TEST(DetectFace, RenderedPortraits) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
        portrait::Attributes attrs = portrait::sample_attributes(seed);
        portrait::RenderOptions o;
        o.size = 256;
        const RgbImage photo{256, 256, portrait::render_portrait(attrs, o)};
        const auto f = detect_face(photo);
        if (!f) {
            std::cout << seed << ": no face\n";
            continue;
        }
        std::cout << seed << ": eyes " << f->left_eye.x << "," << f->left_eye.y << "  "
                  << f->right_eye.x << "," << f->right_eye.y << " score " << f->score << "\n";
        if (seed == 1) cv::imwrite("/tmp/ls_portrait1.png", as_bgr(photo));
    }
}

}  // namespace
}  // namespace ls
