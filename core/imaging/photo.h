// Opening the user's photos (JPEG, PNG, WebP, TIFF, BMP) as 8-bit RGB, with a guard against
// decompression bombs, and the masks the user paints (8-bit grey PNG).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imaging/rgb_image.h"

namespace ls {

struct PhotoLimits {
    int64_t max_pixels = 120'000'000;
    int max_side = 40'000;
    int64_t max_file_bytes = 1ll << 30;
};

// What a photo's header says, read without decoding any pixel.
struct PhotoHeader {
    std::string format;  // "JPEG", "PNG", "WebP", "TIFF", "BMP"
    int64_t width = 0;
    int64_t height = 0;
    int orientation = 1;  // TIFF, PNG eXIf or WebP EXIF orientation 1..8 (JPEG: not read)
    bool cmyk = false;    // TIFF with PhotometricInterpretation = separated
};

// Reads the format and the size from the first bytes of a file. Throws io::FormatError with one
// line naming `name_for_messages` for an unknown format or a header without a size. Plain C++
// (no OpenCV): it builds everywhere.
PhotoHeader read_photo_header(const std::vector<uint8_t>& bytes,
                              const std::string& name_for_messages);

// Throws io::FormatError when the header's size is over the limits, for example
// "photo.png is 50000 x 50000 pixels (2500 megapixels); the limit is 120 megapixels".
void check_photo_limits(const PhotoHeader& header, const std::string& name_for_messages,
                        const PhotoLimits& limits);

// JPEG, PNG (8/16-bit, alpha, palette, grey), WebP, TIFF, BMP -> 8-bit RGB, EXIF orientation
// applied, alpha composited over white, 16-bit scaled to 8-bit, CMYK converted. The size is
// checked against `limits` before any pixel is decoded. Throws io::FormatError with one
// readable line for a missing file, an unknown or broken format, a photo over the limits.
RgbImage read_photo(const std::string& path, const PhotoLimits& limits = {});
RgbImage decode_photo(const std::vector<uint8_t>& bytes, const std::string& name_for_messages,
                      const PhotoLimits& limits = {});

// Masks: 8-bit grey PNG, 255 = the region the user painted (to be filled). A colour file is
// converted to grey, a 16-bit one scaled to 8 bits. Throws io::FormatError.
GreyImage read_mask(const std::string& path);
// Writes an 8-bit grey PNG atomically (never a partial file). Throws io::FormatError for a name
// that does not end in .png, an inconsistent image or a failed write.
void write_mask(const std::string& path, const GreyImage& mask);

// By extension: .jpg .jpeg .png .webp .tif .tiff .bmp (any case).
bool is_photo_path(const std::string& path);

}  // namespace ls
