// Shared by the imaging tests: a scratch folder, test pictures, and byte builders for files
// written by hand (PNG chunks, TIFF directories, EXIF blocks).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "imaging/rgb_image.h"

namespace ls::imaging_test {

class TempDir {
  public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "ls-imaging-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

inline void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << path;
}

// A smooth BGR test pattern: blue rises along x, green along y, red fixed.
inline cv::Mat gradient(int width, int height) {
    cv::Mat m(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            m.at<cv::Vec3b>(y, x) = {static_cast<uint8_t>(x * 255 / std::max(1, width - 1)),
                                     static_cast<uint8_t>(y * 255 / std::max(1, height - 1)),
                                     static_cast<uint8_t>(90)};
    return m;
}

inline std::vector<uint8_t> encode(const std::string& ext, const cv::Mat& m,
                                   const std::vector<int>& params = {}) {
    std::vector<uint8_t> out;
    EXPECT_TRUE(cv::imencode(ext, m, out, params)) << ext;
    return out;
}

// The RGB pixel (x, y) of an image.
inline cv::Vec3b rgb_at(const RgbImage& im, int x, int y) {
    const size_t i = (static_cast<size_t>(y) * im.width + x) * 3;
    return {im.pixels[i], im.pixels[i + 1], im.pixels[i + 2]};
}

inline cv::Mat as_bgr(const RgbImage& im) {
    cv::Mat rgb(im.height, im.width, CV_8UC3, const_cast<uint8_t*>(im.pixels.data())), bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

inline RgbImage from_bgr(const cv::Mat& bgr) {
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return RgbImage{rgb.cols, rgb.rows, std::vector<uint8_t>(rgb.datastart, rgb.dataend)};
}

// Big-endian and little-endian integers appended to a byte vector.
inline void put_be(std::vector<uint8_t>& out, uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void put_le(std::vector<uint8_t>& out, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
// Byte by byte: GCC 12 warns falsely (-Wstringop-overflow) about vector::insert of a string.
inline void put_text(std::vector<uint8_t>& out, const std::string& s) {
    for (char c : s) out.push_back(static_cast<uint8_t>(c));
}

inline uint32_t crc32(const uint8_t* data, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
        c ^= data[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

// One PNG chunk: length, type, data, CRC of type and data.
inline void put_png_chunk(std::vector<uint8_t>& out, const std::string& type,
                          const std::vector<uint8_t>& data) {
    put_be(out, data.size(), 4);
    const size_t start = out.size();
    put_text(out, type);
    out.insert(out.end(), data.begin(), data.end());
    put_be(out, crc32(out.data() + start, out.size() - start), 4);
}

// A zlib stream of stored (uncompressed) deflate blocks: what PNG's IDAT needs, without zlib.
inline std::vector<uint8_t> zlib_stored(const std::vector<uint8_t>& data) {
    std::vector<uint8_t> out{0x78, 0x01};
    size_t pos = 0;
    do {
        const size_t n = std::min<size_t>(65535, data.size() - pos);
        out.push_back(pos + n == data.size() ? 1 : 0);
        put_le(out, n, 2);
        put_le(out, ~n & 0xFFFF, 2);
        out.insert(out.end(), data.begin() + pos, data.begin() + pos + n);
        pos += n;
    } while (pos < data.size());
    uint32_t a = 1, b = 0;
    for (uint8_t v : data) a = (a + v) % 65521, b = (b + a) % 65521;
    put_be(out, (b << 16) | a, 4);
    return out;
}

// A big-endian EXIF/TIFF block with one IFD entry: Orientation (0x0112) = `orientation`.
inline std::vector<uint8_t> exif_orientation_block(int orientation) {
    std::vector<uint8_t> t;
    put_text(t, "MM");
    put_be(t, 42, 2);
    put_be(t, 8, 4);
    put_be(t, 1, 2);  // one entry
    put_be(t, 0x0112, 2), put_be(t, 3, 2), put_be(t, 1, 4), put_be(t, orientation, 2);
    put_be(t, 0, 2);
    put_be(t, 0, 4);  // no next IFD
    return t;
}

}  // namespace ls::imaging_test
