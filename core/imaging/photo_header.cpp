// The size of a photo from its header, before any pixel is decoded.
//
// Why by hand: OpenCV 4.6 has no public call that reads only a header (cv::ImageDecoder is
// internal), and its own guard against huge images (CV_IO_MAX_IMAGE_PIXELS, 2^30 pixels by
// default) is read from an environment variable once, when the library loads, so a program
// cannot set its own limit. A decompression bomb (a few kilobytes of PNG that claim 50000 x
// 50000 pixels) would otherwise have OpenCV allocate gigabytes before we could say no. The
// formats' headers are simple: PNG's IHDR, JPEG's first SOFn segment, WebP's VP8/VP8L/VP8X
// chunk, BMP's info header, TIFF's first IFD. The same IFD reader gives the orientation of a
// TIFF and of the EXIF block of a PNG (eXIf) or a WebP (EXIF); OpenCV 4.6 applies the first
// itself but not the others.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "imaging/photo.h"
#include "io/value.h"

namespace ls {

namespace {

// Bounds-checked reads from a byte range; every accessor is safe on hostile input.
class Bytes {
  public:
    Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    size_t size() const { return size_; }
    bool has(size_t offset, size_t length) const {
        return offset <= size_ && length <= size_ - offset;
    }
    bool starts_with(size_t offset, const char* text, size_t length) const {
        if (!has(offset, length)) return false;
        for (size_t i = 0; i < length; ++i)
            if (data_[offset + i] != static_cast<uint8_t>(text[i])) return false;
        return true;
    }
    // An unsigned integer of `length` bytes (1..8), little- or big-endian; 0 when out of range.
    uint64_t uint(size_t offset, size_t length, bool little_endian) const {
        if (!has(offset, length)) return 0;
        uint64_t v = 0;
        for (size_t i = 0; i < length; ++i) {
            const size_t at = little_endian ? offset + length - 1 - i : offset + i;
            v = (v << 8) | data_[at];
        }
        return v;
    }
    uint64_t be(size_t offset, size_t length) const { return uint(offset, length, false); }
    uint64_t le(size_t offset, size_t length) const { return uint(offset, length, true); }
    Bytes sub(size_t offset, size_t length) const {
        if (!has(offset, length)) return Bytes(data_, 0);
        return Bytes(data_ + offset, length);
    }

  private:
    const uint8_t* data_;
    size_t size_;
};

struct TiffInfo {
    int64_t width = 0, height = 0;
    int orientation = 1;
    int photometric = -1;
};

// The tags we need from the first IFD of a TIFF structure (a TIFF file, or an EXIF block):
// classic TIFF (12-byte entries) and BigTIFF (20-byte entries).
std::optional<TiffInfo> read_tiff_ifd(const Bytes& b) {
    const bool le = b.starts_with(0, "II", 2);
    if (!le && !b.starts_with(0, "MM", 2)) return std::nullopt;
    const uint64_t version = b.uint(2, 2, le);
    if (version != 42 && version != 43) return std::nullopt;
    const bool big = version == 43;
    const size_t word = big ? 8 : 4;  // the size of an offset, a count and a value field
    const uint64_t ifd = b.uint(big ? 8 : 4, word, le);
    const size_t count_size = big ? 8 : 2, entry_size = big ? 20 : 12;
    if (ifd > b.size() || !b.has(ifd, count_size)) return std::nullopt;
    const uint64_t count = b.uint(ifd, count_size, le);
    TiffInfo info;
    for (uint64_t i = 0; i < count && i < 4096; ++i) {
        const size_t e = ifd + count_size + i * entry_size;
        if (!b.has(e, entry_size)) break;
        const uint64_t tag = b.uint(e, 2, le), type = b.uint(e + 2, 2, le);
        // SHORT (3), LONG (4) and BigTIFF's LONG8 (16), stored at the start of the value field.
        const size_t value_size = type == 3 ? 2 : type == 4 ? 4 : type == 16 ? 8 : 0;
        if (value_size == 0 || value_size > word) continue;
        const uint64_t value = b.uint(e + 4 + word, value_size, le);
        const int64_t v = value > (1ull << 40) ? 0 : static_cast<int64_t>(value);
        if (tag == 256) info.width = v;
        if (tag == 257) info.height = v;
        if (tag == 262) info.photometric = static_cast<int>(v);
        if (tag == 274 && v >= 1 && v <= 8) info.orientation = static_cast<int>(v);
    }
    return info;
}

// An EXIF payload: a TIFF structure, sometimes after JPEG's "Exif\0\0" prefix.
int exif_orientation(Bytes b) {
    if (b.starts_with(0, "Exif\0\0", 6)) b = b.sub(6, b.size() - 6);
    const auto info = read_tiff_ifd(b);
    return info ? info->orientation : 1;
}

std::optional<PhotoHeader> png_header(const Bytes& b) {
    if (!b.starts_with(12, "IHDR", 4)) return std::nullopt;
    PhotoHeader h{"PNG", static_cast<int64_t>(b.be(16, 4)), static_cast<int64_t>(b.be(20, 4))};
    // eXIf may come before or after the image data: walk the chunks (skipping is cheap).
    for (size_t pos = 8; b.has(pos, 12);) {
        const uint64_t length = b.be(pos, 4);
        if (b.starts_with(pos + 4, "eXIf", 4))
            h.orientation = exif_orientation(b.sub(pos + 8, length));
        if (b.starts_with(pos + 4, "IEND", 4) || length > b.size()) break;
        pos += 12 + length;
    }
    return h;
}

bool is_jpeg_sof(uint8_t marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// The first SOFn segment; segments before it are skipped by their lengths.
std::optional<PhotoHeader> jpeg_header(const Bytes& b) {
    size_t pos = 2;
    while (b.has(pos, 4)) {
        if (b.be(pos, 1) != 0xFF) return std::nullopt;
        const auto marker = static_cast<uint8_t>(b.be(pos + 1, 1));
        if (marker == 0xFF) {  // fill byte
            ++pos;
            continue;
        }
        pos += 2;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;  // no length
        if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // image data before a SOF
        const uint64_t length = b.be(pos, 2);
        if (length < 2) return std::nullopt;
        if (is_jpeg_sof(marker)) {
            if (!b.has(pos, 7)) return std::nullopt;
            return PhotoHeader{"JPEG", static_cast<int64_t>(b.be(pos + 5, 2)),
                               static_cast<int64_t>(b.be(pos + 3, 2))};
        }
        pos += length;
    }
    return std::nullopt;
}

// RIFF chunks: a four-character code, a little-endian size, the data padded to an even size.
std::optional<PhotoHeader> webp_header(const Bytes& b) {
    const Bytes d = b.sub(20, b.size() - std::min<size_t>(20, b.size()));
    std::optional<PhotoHeader> h;
    if (b.starts_with(12, "VP8 ", 4) && d.starts_with(3, "\x9d\x01\x2a", 3)) {
        h = PhotoHeader{"WebP", static_cast<int64_t>(d.le(6, 2) & 0x3FFF),
                        static_cast<int64_t>(d.le(8, 2) & 0x3FFF)};
    } else if (b.starts_with(12, "VP8L", 4) && d.has(0, 5) && d.le(0, 1) == 0x2F) {
        const uint64_t bits = d.le(1, 4);
        h = PhotoHeader{"WebP", static_cast<int64_t>((bits & 0x3FFF) + 1),
                        static_cast<int64_t>(((bits >> 14) & 0x3FFF) + 1)};
    } else if (b.starts_with(12, "VP8X", 4) && d.has(0, 10)) {
        h = PhotoHeader{"WebP", static_cast<int64_t>(d.le(4, 3) + 1),
                        static_cast<int64_t>(d.le(7, 3) + 1)};
        for (size_t pos = 12; b.has(pos, 8);) {
            const uint64_t length = b.le(pos + 4, 4);
            if (b.starts_with(pos, "EXIF", 4))
                h->orientation = exif_orientation(b.sub(pos + 8, length));
            if (length > b.size()) break;
            pos += 8 + length + (length & 1);
        }
    }
    return h;
}

std::optional<PhotoHeader> bmp_header(const Bytes& b) {
    const uint64_t info_size = b.le(14, 4);
    if (info_size == 12)  // OS/2 BITMAPCOREHEADER: 16-bit sizes
        return PhotoHeader{"BMP", static_cast<int64_t>(b.le(18, 2)),
                           static_cast<int64_t>(b.le(20, 2))};
    if (info_size < 16 || !b.has(18, 8)) return std::nullopt;
    const auto width = static_cast<int32_t>(b.le(18, 4));
    const auto height = static_cast<int32_t>(b.le(22, 4));  // negative: stored top-down
    return PhotoHeader{"BMP", width, std::llabs(static_cast<int64_t>(height))};
}

std::optional<PhotoHeader> tiff_header(const Bytes& b) {
    const auto info = read_tiff_ifd(b);
    if (!info) return std::nullopt;
    PhotoHeader h{"TIFF", info->width, info->height, info->orientation};
    h.cmyk = info->photometric == 5;
    return h;
}

// The format by its magic bytes ("" when none matches).
std::string sniff_format(const Bytes& b) {
    if (b.starts_with(0, "\x89PNG\r\n\x1a\n", 8)) return "PNG";
    if (b.starts_with(0, "\xff\xd8\xff", 3)) return "JPEG";
    if (b.starts_with(0, "RIFF", 4) && b.starts_with(8, "WEBP", 4)) return "WebP";
    if (b.starts_with(0, "II*\0", 4) || b.starts_with(0, "MM\0*", 4) ||
        b.starts_with(0, "II+\0", 4) || b.starts_with(0, "MM\0+", 4))
        return "TIFF";
    if (b.starts_with(0, "BM", 2)) return "BMP";
    return "";
}

// "2500", "7.5", "0.003": whole numbers from 10 on, two significant digits below.
std::string megapixels(double pixels) {
    const double mp = pixels / 1e6;
    if (mp >= 10) return std::to_string(std::llround(mp));
    char text[32];
    std::snprintf(text, sizeof text, "%.2g", mp);
    return text;
}

}  // namespace

PhotoHeader read_photo_header(const std::vector<uint8_t>& bytes, const std::string& name) {
    const Bytes b(bytes.data(), bytes.size());
    if (bytes.empty()) throw io::FormatError(name + " is empty");
    const std::string format = sniff_format(b);
    if (format.empty())
        throw io::FormatError(name +
                              " is not a photo Latent Studio can open (JPEG, PNG, WebP, TIFF "
                              "or BMP)");
    std::optional<PhotoHeader> h = format == "PNG"    ? png_header(b)
                                   : format == "JPEG" ? jpeg_header(b)
                                   : format == "WebP" ? webp_header(b)
                                   : format == "BMP"  ? bmp_header(b)
                                                      : tiff_header(b);
    if (!h || h->width <= 0 || h->height <= 0)
        throw io::FormatError(name + " is a broken or truncated " + format +
                              " file (no image size in its header)");
    return *h;
}

void check_photo_limits(const PhotoHeader& h, const std::string& name, const PhotoLimits& limits) {
    const std::string size = std::to_string(h.width) + " x " + std::to_string(h.height);
    // In double: two sides of up to 2^40 (BigTIFF) cannot overflow.
    const double pixels = static_cast<double>(h.width) * static_cast<double>(h.height);
    if (pixels > static_cast<double>(limits.max_pixels))
        throw io::FormatError(name + " is " + size + " pixels (" + megapixels(pixels) +
                              " megapixels); the limit is " +
                              megapixels(static_cast<double>(limits.max_pixels)) + " megapixels");
    if (h.width > limits.max_side || h.height > limits.max_side)
        throw io::FormatError(name + " is " + size + " pixels; the limit is " +
                              std::to_string(limits.max_side) + " pixels a side");
}

}  // namespace ls
