// Finding the face in a photo, cutting out the crop a model expects (the way its training set
// was aligned), and putting the edited crop back into the full photo.
//
// Coordinates are continuous photo pixels with the edges of pixel (0, 0) at 0 and 1: the
// centre of pixel (i, j) is (i + 0.5, j + 0.5), as in the FFHQ script (PIL).
#pragma once

#include <array>
#include <optional>
#include <string>

#include "imaging/rgb_image.h"

namespace ls {

struct Point2 {
    double x = 0, y = 0;
};

// "Left" and "right" as seen in the photo: left_eye is the eye with the smaller x in an upright
// face (the subject's right eye), as in the FFHQ script's lm_eye_left.
struct FaceLandmarks {
    Point2 left_eye, right_eye, mouth_left, mouth_right;
    double score = 0;
    std::string source;            // "haar", "yunet"
    bool mouth_estimated = false;  // the mouth corners were guessed from the eyes (Haar)
};

// Where the aligned crop lies in the photo: corners in photo pixels, FFHQ order: top-left,
// bottom-left, bottom-right, top-right (of the crop).
struct Alignment {
    std::array<Point2, 4> quad;
    std::string method;  // "ffhq", "template", "centre", "user"
};

// The model's framing: "ffhq" (the alignment procedure of NVIDIA's ffhq-dataset script) or
// "template" (a similarity transform putting the eye centres and the mouth centre at these
// positions, as fractions of the crop's width and height; the eyes alone when the mouth was
// estimated, since a guess would only pull a measured fit off).
struct AlignTemplate {
    std::string kind = "ffhq";
    Point2 left_eye{0.35, 0.4}, right_eye{0.65, 0.4}, mouth{0.5, 0.7};
};

// Throws std::invalid_argument for an unknown kind or coinciding landmarks.
Alignment align_face(const FaceLandmarks& face, const AlignTemplate& framing);
// The largest centred square (method "centre"), for a photo without a face or a model that is
// not a face model.
Alignment centre_alignment(int photo_width, int photo_height);
// The framing of Latent Studio's embedded model: a template from the eye and mouth boxes of the
// portrait renderer it was trained on (core/portrait, region_box()).
AlignTemplate portrait_template();

struct DetectorOptions {
    std::string cascade_dir;  // "" = Debian's /usr/share/opencv4/haarcascades (opencv-data)
    std::string yunet_model;  // a YuNet ONNX file; "" = the Haar cascades
};

// The largest face: the Haar frontal face cascade, then the eyes inside its box (the mouth is
// estimated, see face_detect.cpp); with yunet_model set, cv::FaceDetectorYN's five landmarks.
// std::nullopt when there is no face. Throws io::FormatError when the cascades or the ONNX
// file cannot be read.
std::optional<FaceLandmarks> detect_face(const RgbImage& photo,
                                         const DetectorOptions& options = {});

// The crop: the photo resampled (bilinear, border replicated) so that the quad maps onto a
// size x size square. A quad much larger than the crop is first shrunk with area averaging
// (as the FFHQ script does) so that the crop does not alias.
RgbImage warp_to_crop(const RgbImage& photo, const Alignment& a, int size);
GreyImage warp_mask_to_crop(const GreyImage& mask_in_photo, const Alignment& a, int size);

struct PasteOptions {
    double feather = 0.08;  // the width of the blend at the crop's edges, a fraction of its size
    bool poisson = false;   // cv::seamlessClone before the feathered blend
};

// The edited crop warped back into a copy of the photo and blended with a feathered mask.
// Pixels outside the quad are unchanged, bit for bit. Throws io::FormatError for a crop that is
// not square.
RgbImage paste_back(const RgbImage& photo, const Alignment& a, const RgbImage& crop,
                    const PasteOptions& options = {});

// out = m * fill + (1 - m) * target, with m the mask (0..1) feathered outwards by feather_px:
// m >= the mask everywhere (a painted pixel shows the fill fully), falling to 0 within
// feather_px of the painted region. Throws io::FormatError when the sizes differ.
RgbImage composite_masked(const RgbImage& target, const RgbImage& fill, const GreyImage& mask,
                          double feather_px);

}  // namespace ls
