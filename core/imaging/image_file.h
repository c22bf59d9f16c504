// Writing images to PNG or JPEG (chosen by the extension) through OpenCV, atomically.
#pragma once

#include <string>

#include "imaging/rgb_image.h"

namespace ls {

// Throws io::FormatError for an unknown extension or a failed write; never leaves a partial
// file at `path`.
void write_image(const std::string& path, const RgbImage& image, int jpeg_quality = 95);

// True for extensions write_image understands (.png, .jpg, .jpeg).
bool is_image_path(const std::string& path);
// The extension of a file name, lower case, with its dot ("" when there is none).
std::string image_extension(const std::string& path);

}  // namespace ls
