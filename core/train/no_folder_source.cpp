// Hosts built without OpenCV (headless GPU machines) cannot decode image files.
#include "io/value.h"
#include "train/image_source.h"

namespace ls::train {

std::unique_ptr<ImageSource> folder_source(const std::string& folder, int, uint64_t) {
    throw io::FormatError("cannot train on the folder '" + folder +
                          "': this build has no image decoding (OpenCV); train on 'portraits' "
                          "or build with LATENT_STUDIO_BUILD_CLI_IMAGES=ON");
}

}  // namespace ls::train
