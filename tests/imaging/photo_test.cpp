// Opening photos: every format and pixel layout the issue lists, EXIF orientation, and the
// broken or hostile files a user can hand us. Every test file is made here, by OpenCV or by hand.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "imaging/photo.h"
#include "imaging_support.h"
#include "io/value.h"

namespace ls {
namespace {

using namespace imaging_test;

// The largest difference between an image and the BGR picture it was made from.
int max_difference(const RgbImage& image, const cv::Mat& bgr) {
    if (image.width != bgr.cols || image.height != bgr.rows) return 1000;
    cv::Mat diff;
    cv::absdiff(as_bgr(image), bgr, diff);
    double worst = 0;
    cv::minMaxLoc(diff.reshape(1), nullptr, &worst);
    return static_cast<int>(worst);
}

// Runs `f`, expects an io::FormatError with one line containing `part`.
template <class F>
void expect_one_line_error(F f, const std::string& part) {
    try {
        f();
        ADD_FAILURE() << "no error; expected one with '" << part << "'";
    } catch (const io::FormatError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(part), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

TEST(Photo, LosslessFormatsDecodeExactly) {
    const cv::Mat picture = gradient(37, 23);
    const std::vector<std::pair<std::string, std::vector<int>>> formats{
        {".png", {}},
        {".bmp", {}},
        {".tiff", {}},
        {".webp", {cv::IMWRITE_WEBP_QUALITY, 101}},  // above 100: lossless
    };
    for (const auto& [ext, params] : formats) {
        const RgbImage image = decode_photo(encode(ext, picture, params), "photo" + ext);
        EXPECT_EQ(max_difference(image, picture), 0) << ext;
    }
}

TEST(Photo, JpegAndLossyWebpDecodeClosely) {
    const cv::Mat picture = gradient(64, 48);
    EXPECT_LE(max_difference(decode_photo(encode(".jpg", picture, {cv::IMWRITE_JPEG_QUALITY, 98}),
                                          "photo.jpg"),
                             picture),
              8);
    EXPECT_LE(max_difference(decode_photo(encode(".webp", picture, {cv::IMWRITE_WEBP_QUALITY, 95}),
                                          "photo.webp"),
                             picture),
              16);
}

TEST(Photo, SixteenBitIsScaledToEightBits) {
    const cv::Mat picture = gradient(20, 10);
    cv::Mat wide;
    picture.convertTo(wide, CV_16UC3, 257.0);  // 8-bit v -> 16-bit v * 257, exactly back
    for (const std::string ext : {".png", ".tiff"})
        EXPECT_EQ(max_difference(decode_photo(encode(ext, wide), "photo" + ext), picture), 0)
            << ext;
}

TEST(Photo, GreyIsSpreadToThreeChannels) {
    cv::Mat grey(8, 12, CV_8U);
    for (int i = 0; i < grey.rows * grey.cols; ++i) grey.data[i] = static_cast<uint8_t>(i * 2);
    cv::Mat expected;
    cv::cvtColor(grey, expected, cv::COLOR_GRAY2BGR);
    EXPECT_EQ(max_difference(decode_photo(encode(".png", grey), "grey.png"), expected), 0);
}

TEST(Photo, AlphaIsCompositedOverWhite) {
    cv::Mat bgra(4, 3, CV_8UC4);
    const std::vector<uint8_t> alphas{0, 128, 255};
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 3; ++x) bgra.at<cv::Vec4b>(y, x) = {40, 100, 200, alphas[x]};
    for (const std::string ext : {".png", ".webp", ".tiff"}) {
        const std::vector<int> params =
            ext == ".webp" ? std::vector<int>{cv::IMWRITE_WEBP_QUALITY, 101} : std::vector<int>{};
        const RgbImage image = decode_photo(encode(ext, bgra, params), "alpha" + ext);
        ASSERT_EQ(image.width, 3) << ext;
        EXPECT_EQ(rgb_at(image, 0, 1), cv::Vec3b(255, 255, 255)) << ext << ": transparent";
        EXPECT_EQ(rgb_at(image, 2, 1), cv::Vec3b(200, 100, 40)) << ext << ": opaque";
        // c * 128/255 + 255 * 127/255: red 227.4, green 177.2, blue 147.1
        EXPECT_EQ(rgb_at(image, 1, 1), cv::Vec3b(227, 177, 147)) << ext << ": half";
    }
}

// A palette PNG written by hand (OpenCV cannot write one): 3 x 2 pixels, indices 0 1 2 / 2 1 0,
// palette red, green, blue, and a tRNS chunk that makes index 2 transparent.
TEST(Photo, PalettePngIsExpanded) {
    std::vector<uint8_t> png;
    put_text(png, "\x89PNG\r\n\x1a\n");
    std::vector<uint8_t> ihdr;
    put_be(ihdr, 3, 4), put_be(ihdr, 2, 4);
    ihdr.insert(ihdr.end(), {8, 3, 0, 0, 0});  // 8 bits, palette, deflate, no filter/interlace
    put_png_chunk(png, "IHDR", ihdr);
    put_png_chunk(png, "PLTE", {255, 0, 0, 0, 255, 0, 0, 0, 255});
    put_png_chunk(png, "tRNS", {255, 255, 0});
    put_png_chunk(png, "IDAT", zlib_stored({0, 0, 1, 2, 0, 2, 1, 0}));  // filter byte per row
    put_png_chunk(png, "IEND", {});
    const RgbImage image = decode_photo(png, "palette.png");
    ASSERT_EQ(image.width, 3);
    ASSERT_EQ(image.height, 2);
    EXPECT_EQ(rgb_at(image, 0, 0), cv::Vec3b(255, 0, 0));
    EXPECT_EQ(rgb_at(image, 1, 0), cv::Vec3b(0, 255, 0));
    EXPECT_EQ(rgb_at(image, 2, 0), cv::Vec3b(255, 255, 255)) << "transparent over white";
    EXPECT_EQ(rgb_at(image, 2, 1), cv::Vec3b(255, 0, 0));
}

// Four quadrants of distinct colours (BGR), to see where a rotation put them.
cv::Mat quadrants(int width, int height) {
    cv::Mat m(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            m.at<cv::Vec3b>(y, x) =
                y < height / 2 ? (x < width / 2 ? cv::Vec3b(0, 0, 255) : cv::Vec3b(0, 255, 0))
                               : (x < width / 2 ? cv::Vec3b(255, 0, 0) : cv::Vec3b(255, 255, 255));
    return m;
}

// Orientation 6: the stored picture is shown turned 90 degrees clockwise, so the stored top
// left (red) ends up top right, and the stored top right (green) bottom right.
void expect_turned_clockwise(const RgbImage& image, int stored_width, int stored_height) {
    ASSERT_EQ(image.width, stored_height);
    ASSERT_EQ(image.height, stored_width);
    const int w = image.width, h = image.height;
    auto near = [](cv::Vec3b a, cv::Vec3b b) { return cv::norm(a, b, cv::NORM_INF) < 40; };
    EXPECT_TRUE(near(rgb_at(image, w - 4, 3), {255, 0, 0})) << rgb_at(image, w - 4, 3);
    EXPECT_TRUE(near(rgb_at(image, w - 4, h - 4), {0, 255, 0})) << rgb_at(image, w - 4, h - 4);
    EXPECT_TRUE(near(rgb_at(image, 3, 3), {0, 0, 255})) << rgb_at(image, 3, 3);
    EXPECT_TRUE(near(rgb_at(image, 3, h - 4), {255, 255, 255})) << rgb_at(image, 3, h - 4);
}

TEST(Photo, JpegExifOrientationIsApplied) {
    const cv::Mat picture = quadrants(48, 32);
    std::vector<uint8_t> jpeg = encode(".jpg", picture, {cv::IMWRITE_JPEG_QUALITY, 95});
    // An APP1 segment right after SOI: FF E1, length (itself included), "Exif\0\0", TIFF block.
    std::vector<uint8_t> app1{0xFF, 0xE1};
    const std::vector<uint8_t> tiff = exif_orientation_block(6);
    put_be(app1, 2 + 6 + tiff.size(), 2);
    put_text(app1, std::string("Exif\0\0", 6));
    app1.insert(app1.end(), tiff.begin(), tiff.end());
    jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
    expect_turned_clockwise(decode_photo(jpeg, "rotated.jpg"), 48, 32);
}

TEST(Photo, PngExifOrientationIsApplied) {
    const std::vector<uint8_t> plain = encode(".png", quadrants(48, 32));
    // eXIf after IHDR (8-byte signature + 25-byte IHDR chunk).
    std::vector<uint8_t> chunk;
    put_png_chunk(chunk, "eXIf", exif_orientation_block(6));
    std::vector<uint8_t> png = plain;
    png.insert(png.begin() + 33, chunk.begin(), chunk.end());
    expect_turned_clockwise(decode_photo(png, "rotated.png"), 48, 32);
}

TEST(Photo, WebpExifOrientationIsApplied) {
    // The simple (VP8L) file OpenCV writes, rewrapped as an extended one: VP8X with the EXIF
    // flag, the VP8L chunk, an EXIF chunk.
    const std::vector<uint8_t> plain =
        encode(".webp", quadrants(48, 32), {cv::IMWRITE_WEBP_QUALITY, 101});
    std::vector<uint8_t> chunks;
    put_text(chunks, "VP8X");
    put_le(chunks, 10, 4);
    put_le(chunks, 0x08, 4);  // flags (EXIF) and three reserved bytes
    put_le(chunks, 48 - 1, 3), put_le(chunks, 32 - 1, 3);
    chunks.insert(chunks.end(), plain.begin() + 12, plain.end());
    const std::vector<uint8_t> exif = exif_orientation_block(6);
    put_text(chunks, "EXIF");
    put_le(chunks, exif.size(), 4);
    chunks.insert(chunks.end(), exif.begin(), exif.end());
    std::vector<uint8_t> webp;
    put_text(webp, "RIFF");
    put_le(webp, 4 + chunks.size(), 4);
    put_text(webp, "WEBP");
    webp.insert(webp.end(), chunks.begin(), chunks.end());
    expect_turned_clockwise(decode_photo(webp, "rotated.webp"), 48, 32);
}

// An uncompressed little-endian TIFF written by hand (OpenCV writes no orientation and no CMYK),
// with 3 or 4 samples of 8 bits (their BitsPerSample values stored after the directory, which
// is where they go when they do not fit in the entry's 4 bytes).
std::vector<uint8_t> hand_tiff(int width, int height, int samples, int photometric, int orientation,
                               const std::vector<uint8_t>& pixels) {
    struct Entry {
        int tag, type;
        uint32_t value;
    };
    const int count = orientation == 1 ? 10 : 11;
    const uint32_t bits_at = 8 + 2 + 12 * count + 4, data_at = bits_at + 2 * samples;
    std::vector<Entry> entries{
        {256, 4, uint32_t(width)},       {257, 4, uint32_t(height)}, {258, 3, bits_at}, {259, 3, 1},
        {262, 3, uint32_t(photometric)}, {273, 4, data_at}};
    if (orientation != 1) entries.push_back({274, 3, uint32_t(orientation)});
    entries.insert(entries.end(), {{277, 3, uint32_t(samples)},
                                   {278, 4, uint32_t(height)},
                                   {279, 4, uint32_t(pixels.size())},
                                   {284, 3, 1}});
    std::vector<uint8_t> t;
    put_text(t, "II");
    put_le(t, 42, 2), put_le(t, 8, 4), put_le(t, entries.size(), 2);
    for (const Entry& e : entries) {
        put_le(t, e.tag, 2), put_le(t, e.type, 2), put_le(t, e.tag == 258 ? samples : 1, 4);
        put_le(t, e.value, e.type == 3 && e.tag != 258 ? 2 : 4);
        if (e.type == 3 && e.tag != 258) put_le(t, 0, 2);
    }
    put_le(t, 0, 4);
    for (int i = 0; i < samples; ++i) put_le(t, 8, 2);
    t.insert(t.end(), pixels.begin(), pixels.end());
    return t;
}

// libtiff (inside OpenCV) turns a TIFF upright itself; it must not be turned twice.
TEST(Photo, TiffOrientationIsApplied) {
    cv::Mat rgb;
    cv::cvtColor(quadrants(48, 32), rgb, cv::COLOR_BGR2RGB);
    const std::vector<uint8_t> tiff =
        hand_tiff(48, 32, 3, 2, 6, std::vector<uint8_t>(rgb.datastart, rgb.dataend));
    expect_turned_clockwise(decode_photo(tiff, "rotated.tif"), 48, 32);
}

TEST(Photo, CmykTiffIsConverted) {
    // Cyan, magenta, yellow, black (C, M, Y, K samples).
    const std::vector<uint8_t> inks{255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 255};
    const PhotoHeader header = read_photo_header(hand_tiff(4, 1, 4, 5, 1, inks), "cmyk.tif");
    EXPECT_TRUE(header.cmyk);
    const RgbImage image = decode_photo(hand_tiff(4, 1, 4, 5, 1, inks), "cmyk.tif");
    ASSERT_EQ(image.width, 4);
    EXPECT_EQ(rgb_at(image, 0, 0), cv::Vec3b(0, 255, 255));
    EXPECT_EQ(rgb_at(image, 1, 0), cv::Vec3b(255, 0, 255));
    EXPECT_EQ(rgb_at(image, 2, 0), cv::Vec3b(255, 255, 0));
    EXPECT_EQ(rgb_at(image, 3, 0), cv::Vec3b(0, 0, 0));
}

TEST(PhotoHeader, ReadsTheSizeOfEveryFormat) {
    const cv::Mat picture = gradient(321, 123);
    const std::vector<std::pair<std::string, std::vector<int>>> formats{
        {".png", {}},
        {".jpg", {}},
        {".bmp", {}},
        {".tiff", {}},
        {".webp", {cv::IMWRITE_WEBP_QUALITY, 101}},  // VP8L
        {".webp", {cv::IMWRITE_WEBP_QUALITY, 80}},   // VP8
    };
    for (const auto& [ext, params] : formats) {
        const PhotoHeader h = read_photo_header(encode(ext, picture, params), "photo" + ext);
        EXPECT_EQ(h.width, 321) << ext;
        EXPECT_EQ(h.height, 123) << ext;
    }
    cv::Mat bgra;
    cv::cvtColor(picture, bgra, cv::COLOR_BGR2BGRA);
    const PhotoHeader webp =
        read_photo_header(encode(".webp", bgra, {cv::IMWRITE_WEBP_QUALITY, 80}),
                          "alpha.webp");  // VP8X (alpha)
    EXPECT_EQ(webp.width, 321);
    EXPECT_EQ(webp.height, 123);
}

// Every prefix of every format, and each header byte flipped: a size or a FormatError, never a
// crash or a read past the end (the sniffer reads hostile input).
TEST(PhotoHeader, SurvivesTruncationAndFlippedBytes) {
    const cv::Mat picture = gradient(40, 30);
    for (const std::string ext : {".png", ".jpg", ".bmp", ".tiff", ".webp"}) {
        const std::vector<uint8_t> full = encode(ext, picture);
        for (size_t n = 0; n <= std::min<size_t>(full.size(), 400); ++n) {
            try {
                read_photo_header(std::vector<uint8_t>(full.begin(), full.begin() + n), "cut");
            } catch (const io::FormatError&) {
            }
        }
        for (size_t i = 0; i < std::min<size_t>(full.size(), 64); ++i) {
            std::vector<uint8_t> flipped = full;
            flipped[i] ^= 0xFF;
            try {
                const PhotoHeader h = read_photo_header(flipped, "flipped");
                EXPECT_GT(h.width, 0);
            } catch (const io::FormatError&) {
            }
        }
    }
}

// 8-byte signature and an IHDR that claims 60000 x 60000 pixels, no image data at all.
std::vector<uint8_t> png_bomb_header() {
    std::vector<uint8_t> png;
    put_text(png, "\x89PNG\r\n\x1a\n");
    std::vector<uint8_t> ihdr;
    put_be(ihdr, 60000, 4), put_be(ihdr, 60000, 4);
    ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});
    put_png_chunk(png, "IHDR", ihdr);
    return png;
}

TEST(Photo, DecompressionBombIsRefusedBeforeDecoding) {
    const auto start = std::chrono::steady_clock::now();
    expect_one_line_error([] { decode_photo(png_bomb_header(), "photo.png"); },
                          "photo.png is 60000 x 60000 pixels (3600 megapixels); the limit is 120 "
                          "megapixels");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(Photo, LimitsAreTheCallers) {
    const std::vector<uint8_t> png = encode(".png", gradient(300, 10));
    PhotoLimits side;
    side.max_side = 200;
    expect_one_line_error([&] { decode_photo(png, "wide.png", side); },
                          "wide.png is 300 x 10 pixels; the limit is 200 pixels a side");
    PhotoLimits pixels;
    pixels.max_pixels = 2000;
    expect_one_line_error([&] { decode_photo(png, "small.png", pixels); },
                          "small.png is 300 x 10 pixels (0.003 megapixels); the limit is 0.002 "
                          "megapixels");
    PhotoLimits bytes;
    bytes.max_file_bytes = 100;
    expect_one_line_error([&] { decode_photo(png, "big.png", bytes); }, "big.png is");
}

TEST(Photo, BrokenFilesAreRefusedInOneLine) {
    TempDir dir;
    const std::vector<uint8_t> png = encode(".png", gradient(64, 64));
    expect_one_line_error(
        [&] {
            decode_photo(std::vector<uint8_t>(png.begin(), png.begin() + png.size() / 2),
                         "cut.png");
        },
        "cut.png is a broken or truncated PNG file");
    expect_one_line_error(
        [&] { decode_photo(std::vector<uint8_t>(png.begin(), png.begin() + 20), "header.png"); },
        "header.png is a broken or truncated PNG file (no image size");
    const std::vector<uint8_t> jpeg = encode(".jpg", gradient(64, 64));
    expect_one_line_error(
        [&] { decode_photo(std::vector<uint8_t>(jpeg.begin(), jpeg.begin() + 30), "cut.jpg"); },
        "cut.jpg is a broken or truncated JPEG file");

    const std::string text = dir.file("notes.jpg");
    write_file(text, {'h', 'e', 'l', 'l', 'o', '\n'});
    expect_one_line_error([&] { read_photo(text); }, "is not a photo Latent Studio can open");
    const std::string empty = dir.file("empty.png");
    write_file(empty, {});
    expect_one_line_error([&] { read_photo(empty); }, "is empty");
    expect_one_line_error([&] { read_photo(dir.file("missing.png")); }, "missing.png");
    expect_one_line_error([&] { read_photo(dir.file("")); }, "cannot read");  // a directory
}

TEST(Photo, ReadPhotoReadsAFile) {
    TempDir dir;
    const cv::Mat picture = gradient(30, 20);
    const std::string path = dir.file("photo.PNG");
    write_file(path, encode(".png", picture));
    EXPECT_EQ(max_difference(read_photo(path), picture), 0);
}

TEST(Mask, RoundTripsAndConvertsColourAnd16Bit) {
    TempDir dir;
    GreyImage mask{5, 3, {0, 255, 255, 0, 0, 10, 20, 30, 40, 50, 255, 0, 128, 0, 255}};
    const std::string path = dir.file("mask.png");
    write_mask(path, mask);
    const GreyImage back = read_mask(path);
    EXPECT_EQ(back.width, 5);
    EXPECT_EQ(back.height, 3);
    EXPECT_EQ(back.pixels, mask.pixels);

    cv::Mat colour(2, 2, CV_8UC3, cv::Scalar(255, 255, 255));
    colour.at<cv::Vec3b>(0, 0) = {0, 0, 0};
    write_file(dir.file("colour.png"), encode(".png", colour));
    EXPECT_EQ(read_mask(dir.file("colour.png")).pixels, (std::vector<uint8_t>{0, 255, 255, 255}));

    cv::Mat wide(1, 2, CV_16U);
    wide.at<uint16_t>(0, 0) = 65535, wide.at<uint16_t>(0, 1) = 0;
    write_file(dir.file("wide.png"), encode(".png", wide));
    EXPECT_EQ(read_mask(dir.file("wide.png")).pixels, (std::vector<uint8_t>{255, 0}));
}

TEST(Mask, BadMasksAreRefused) {
    TempDir dir;
    expect_one_line_error(
        [&] {
            write_mask(dir.file("mask.jpg"), GreyImage{1, 1, {255}});
        },
        "masks are .png files");
    expect_one_line_error(
        [&] {
            write_mask(dir.file("mask.png"), GreyImage{2, 2, {255}});
        },
        "do not match");
    expect_one_line_error([&] { read_mask(dir.file("none.png")); }, "none.png");
    write_file(dir.file("bomb.png"), png_bomb_header());
    expect_one_line_error([&] { read_mask(dir.file("bomb.png")); }, "3600 megapixels");
}

TEST(Photo, PhotoPathsByExtension) {
    for (const std::string ok :
         {"a.jpg", "a.JPEG", "dir.x/a.png", "a.webp", "a.tif", "a.TIFF", "a.bmp"})
        EXPECT_TRUE(is_photo_path(ok)) << ok;
    for (const std::string no : {"a.gif", "a", "a.png/b", "a.npy", ".png.txt"})
        EXPECT_FALSE(is_photo_path(no)) << no;
}

}  // namespace
}  // namespace ls
