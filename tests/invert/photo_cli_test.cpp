// invert, inpaint, paste-back and batch end to end through the real binary, on the embedded
// model and rendered portraits (few steps: these check behaviour, tests/invert/quality_test
// checks quality).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "imaging/image_file.h"
#include "imaging/photo.h"
#include "io/npy.h"
#include "portrait/portrait_renderer.h"

namespace fs = std::filesystem;

namespace ls::test {
namespace {

std::string write_portrait(const TempDir& dir, const std::string& name, uint64_t seed,
                           int size = 128) {
    portrait::RenderOptions o;
    o.size = size;
    RgbImage img{size, size, portrait::render_portrait(portrait::sample_attributes(seed), o)};
    const std::string path = dir / name;
    write_image(path, img);
    return path;
}

// A mask of `size` with a box of 255 over [x0, x1) x [y0, y1).
std::string write_box_mask(const TempDir& dir, int size, int x0, int y0, int x1, int y1) {
    GreyImage m{size, size, std::vector<uint8_t>(static_cast<size_t>(size) * size, 0)};
    for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) m.pixels[static_cast<size_t>(y) * size + x] = 255;
    }
    const std::string path = dir / "mask.png";
    write_mask(path, m);
    return path;
}

TEST(PhotoCli, InvertWritesTheCodeTheCropAndTheAlignment) {
    TempDir dir;
    const std::string photo = write_portrait(dir, "face.png", 11);
    const CliResult r =
        run_cli({"invert", "--image", photo, "--crop", "centre", "--steps", "2", "--out-wplus",
                 dir / "code.npy", "--out", dir / "recon.png", "--out-crop", dir / "crop.png",
                 "--out-alignment", dir / "align.json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary["alignment"], "centre");
    EXPECT_EQ(summary["steps"], 2);
    EXPECT_GT(summary["psnr_db"].get<double>(), 15.0);
    const io::NpyArray code = io::read_npy(dir / "code.npy");
    EXPECT_EQ(code.shape, (std::vector<int64_t>{1, 10, 256}));
    EXPECT_EQ(read_photo(dir / "recon.png").width, 64);
    // The centred square of a square photo is the photo itself.
    const auto align = nlohmann::json::parse(read_bytes(dir / "align.json"));
    EXPECT_DOUBLE_EQ(align["quad"][2][0].get<double>(), 128.0);
    // Progress on stderr, a step at a time.
    EXPECT_NE(r.err.find("step 2/2"), std::string::npos) << r.err;
}

TEST(PhotoCli, InpaintChangesOnlyThePaintedRegionAndItsFeather) {
    TempDir dir;
    const std::string photo = write_portrait(dir, "face.png", 12);
    const std::string mask = write_box_mask(dir, 128, 48, 80, 80, 100);  // the mouth
    const CliResult r = run_cli({"inpaint", "--image", photo, "--mask", mask, "--crop", "centre",
                                 "--steps", "2", "--feather", "3", "--out", dir / "filled.png"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const RgbImage before = read_photo(photo), after = read_photo(dir / "filled.png");
    ASSERT_EQ(after.width, before.width);
    int changed_inside = 0, changed_outside = 0;
    for (int y = 0; y < 128; ++y) {
        for (int x = 0; x < 128; ++x) {
            const size_t i = (static_cast<size_t>(y) * 128 + x) * 3;
            const bool differs = before.pixels[i] != after.pixels[i] ||
                                 before.pixels[i + 1] != after.pixels[i + 1] ||
                                 before.pixels[i + 2] != after.pixels[i + 2];
            const bool near = x >= 48 - 4 && x < 80 + 4 && y >= 80 - 4 && y < 100 + 4;
            (near ? changed_inside : changed_outside) += differs ? 1 : 0;
        }
    }
    EXPECT_EQ(changed_outside, 0);
    EXPECT_GT(changed_inside, 32 * 20 / 2);
}

TEST(PhotoCli, PasteBackOfAnUneditedCodeKeepsThePhoto) {
    TempDir dir;
    const std::string photo = write_portrait(dir, "face.png", 13, 192);
    ASSERT_EQ(run_cli({"invert", "--image", photo, "--crop", "centre", "--steps", "1",
                       "--out-wplus", dir / "code.npy", "--out-alignment", dir / "a.json"})
                  .exit_code,
              0);
    const CliResult r =
        run_cli({"paste-back", "--image", photo, "--alignment", dir / "a.json", "--wplus",
                 dir / "code.npy", "--edited", dir / "code.npy", "--out", dir / "same.png"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const RgbImage a = read_photo(photo), b = read_photo(dir / "same.png");
    ASSERT_EQ(b.width, 192);
    int worst = 0;
    for (size_t i = 0; i < a.pixels.size(); ++i) {
        worst = std::max(worst, std::abs(int{a.pixels[i]} - int{b.pixels[i]}));
    }
    // Difference mode adds (edited - reconstruction) = 0: only resampling remains.
    EXPECT_LE(worst, 8);
    // The photo is never the output, and an existing output needs --overwrite.
    const CliResult same =
        run_cli({"paste-back", "--image", photo, "--alignment", dir / "a.json", "--wplus",
                 dir / "code.npy", "--edited", dir / "code.npy", "--out", photo, "--overwrite"});
    EXPECT_EQ(same.exit_code, 3);
    EXPECT_EQ(count_lines(same.err), 1u) << same.err;
    EXPECT_EQ(run_cli({"paste-back", "--image", photo, "--alignment", dir / "a.json", "--wplus",
                       dir / "code.npy", "--edited", dir / "code.npy", "--out", dir / "same.png"})
                  .exit_code,
              3);
}

TEST(PhotoCli, BatchSplitsIntoShardsResumesAndReportsABrokenPhoto) {
    TempDir dir;
    fs::create_directories(dir / "photos");
    for (int i = 0; i < 3; ++i) {
        write_portrait(dir, "photos/p" + std::to_string(i) + ".png", 20 + i, 64);
    }
    write_bytes(dir / "photos/broken.jpg", "this is not a JPEG");
    const std::vector<std::string> common{"--images", dir / "photos", "--out",   dir / "out",
                                          "--crop",   "centre",       "--steps", "1"};
    auto batch = [&](const std::string& shard) {
        std::vector<std::string> args{"batch", "--shard", shard};
        args.insert(args.end(), common.begin(), common.end());
        return run_cli(args);
    };
    // Sorted: broken.jpg p0 p1 p2; shard 0/2 takes broken.jpg and p1, shard 1/2 p0 and p2.
    const CliResult first = batch("0/2");
    EXPECT_EQ(first.exit_code, 3);
    EXPECT_NE(first.err.find("broken.jpg"), std::string::npos);
    EXPECT_TRUE(fs::exists(dir / "out/p1.npy"));
    EXPECT_FALSE(fs::exists(dir / "out/p0.npy"));
    ASSERT_EQ(batch("1/2").exit_code, 0);
    for (const char* name : {"p0", "p1", "p2"}) {
        EXPECT_TRUE(fs::exists(dir / (std::string("out/") + name + ".npy")));
        EXPECT_TRUE(fs::exists(dir / (std::string("out/") + name + ".json")));
    }
    const CliResult again = batch("1/2");
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_NE(again.err.find("2 already done"), std::string::npos) << again.err;
    EXPECT_EQ(batch("2/2").exit_code, 2);
}

TEST(PhotoCli, BadInputsGetOneClearLine) {
    TempDir dir;
    write_bytes(dir / "fake.png", "not a png at all");
    const CliResult fake =
        run_cli({"invert", "--image", dir / "fake.png", "--out-wplus", dir / "c.npy"});
    EXPECT_EQ(fake.exit_code, 3);
    EXPECT_EQ(count_lines(fake.err), 1u) << fake.err;
    EXPECT_FALSE(fs::exists(dir / "c.npy"));
    const std::string photo = write_portrait(dir, "face.png", 14, 64);
    const std::string mask = write_box_mask(dir, 50, 0, 0, 10, 10);  // neither 64 nor the photo
    const CliResult wrong = run_cli({"invert", "--image", photo, "--mask", mask, "--crop", "centre",
                                     "--out-wplus", dir / "c.npy"});
    EXPECT_EQ(wrong.exit_code, 3);
    EXPECT_NE(wrong.err.find("50 x 50"), std::string::npos) << wrong.err;
    EXPECT_FALSE(fs::exists(dir / "c.npy"));
    EXPECT_EQ(run_cli({"invert", "--image", photo}).exit_code, 2);  // nothing to write
}

}  // namespace
}  // namespace ls::test
