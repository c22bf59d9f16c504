// Image files on hosts built without OpenCV (LATENT_STUDIO_BUILD_CLI_IMAGES=OFF, such as a
// headless GPU machine): every image output is refused with a message that says what to use
// instead, and .npy outputs work as everywhere.
#include <string>
#include <vector>

#include "imaging/classic_inpaint.h"
#include "imaging/grid_image.h"
#include "imaging/image_file.h"
#include "io/value.h"

namespace ls {

namespace {
[[noreturn]] void refuse(const std::string& what) {
    throw io::FormatError("cannot write " + what +
                          ": this build has no image files (built without OpenCV); use --out-npy");
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
    throw io::FormatError("this build has no OpenCV: classical inpainting is not available");
}

}  // namespace ls
