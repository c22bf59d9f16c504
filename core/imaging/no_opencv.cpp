// Image files on hosts built without OpenCV (LATENT_STUDIO_BUILD_CLI_IMAGES=OFF, such as a
// headless GPU machine): every image output is refused with a message that says what to use
// instead, and .npy outputs work as everywhere. Photos, masks, face detection and warping are
// refused the same way; reading a photo's header and the alignment geometry work everywhere.
#include <string>
#include <vector>

#include "imaging/classic_inpaint.h"
#include "imaging/face_align.h"
#include "imaging/grid_image.h"
#include "imaging/image_file.h"
#include "imaging/photo.h"
#include "imaging/photo_crop.h"
#include "io/value.h"

namespace ls {

namespace {
[[noreturn]] void refuse(const std::string& what) {
    throw io::FormatError("cannot write " + what +
                          ": this build has no image files (built without OpenCV); use --out-npy");
}
[[noreturn]] void refuse_photo(const std::string& what) {
    throw io::FormatError("cannot " + what +
                          ": this build has no photo support (built without OpenCV)");
}
}  // namespace

void write_image(const std::string& path, const RgbImage&, int) {
    refuse("'" + path + "'");
}

RgbImage labelled_grid(const std::vector<RgbImage>&, int, int, const std::vector<std::string>&,
                       const std::vector<std::string>&) {
    refuse("a labelled grid");
}

RgbImage inpaint_telea(const RgbImage&, const GreyImage&, double) {
    refuse_photo("inpaint with OpenCV's Telea method");
}

RgbImage read_photo(const std::string& path, const PhotoLimits&) {
    refuse_photo("open the photo " + path);
}

RgbImage decode_photo(const std::vector<uint8_t>&, const std::string& name, const PhotoLimits&) {
    refuse_photo("open the photo " + name);
}

GreyImage read_mask(const std::string& path) {
    refuse_photo("read the mask " + path);
}

void write_mask(const std::string& path, const GreyImage&) {
    refuse_photo("write the mask " + path);
}

std::optional<FaceLandmarks> detect_face(const RgbImage&, const DetectorOptions&) {
    refuse_photo("detect faces");
}

RgbImage warp_to_crop(const RgbImage&, const Alignment&, int) {
    refuse_photo("crop the photo");
}

GreyImage warp_mask_to_crop(const GreyImage&, const Alignment&, int) {
    refuse_photo("crop the mask");
}

RgbImage paste_back(const RgbImage&, const Alignment&, const RgbImage&, const PasteOptions&) {
    refuse_photo("paste the crop back into the photo");
}

RgbImage composite_masked(const RgbImage&, const RgbImage&, const GreyImage&, double) {
    refuse_photo("composite the fill");
}

PhotoCrop crop_photo(const RgbImage&, const std::optional<AlignTemplate>&, int, CropMode,
                     const DetectorOptions&) {
    refuse_photo("crop the photo");
}

GreyImage mask_for_crop(const GreyImage&, const RgbImage&, const Alignment&, int) {
    refuse_photo("crop the mask");
}

RgbImage paste_edit(const RgbImage&, const Alignment&, const RgbImage&, const RgbImage&,
                    PasteMode, const PasteOptions&) {
    refuse_photo("paste the edit back into the photo");
}

RgbImage paste_fill(const RgbImage&, const Alignment&, const RgbImage&, const GreyImage&, double) {
    refuse_photo("paste the fill back into the photo");
}

}  // namespace ls
