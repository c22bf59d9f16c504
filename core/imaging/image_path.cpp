#include <algorithm>
#include <cctype>

#include "imaging/image_file.h"
#include "imaging/photo.h"

namespace ls {

std::string image_extension(const std::string& path) {
    const auto dot = path.find_last_of('.');
    const auto slash = path.find_last_of('/');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
    std::string ext = path.substr(dot);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

bool is_image_path(const std::string& path) {
    const std::string ext = image_extension(path);
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

bool is_photo_path(const std::string& path) {
    const std::string ext = image_extension(path);
    for (const char* known : {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp"})
        if (ext == known) return true;
    return false;
}

}  // namespace ls
