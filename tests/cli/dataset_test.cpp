// latent-studio-cli dataset portraits: the images, the labels, and a folder never overwritten
// by accident.
#include <gtest/gtest.h>

#include <charconv>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "portrait/attributes.h"

namespace ls {
namespace {

using test::read_bytes;
using test::run_cli;
using test::TempDir;

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> parts;
    std::stringstream s(text);
    std::string part;
    while (std::getline(s, part, sep)) parts.push_back(part);
    return parts;
}

// Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian).
std::pair<uint32_t, uint32_t> png_size(const std::string& bytes) {
    EXPECT_GE(bytes.size(), 24u);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    auto be32 = [&](size_t at) {
        uint32_t v = 0;
        for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[at + i]);
        return v;
    };
    return {be32(16), be32(20)};
}

float parse_float(const std::string& s) {
    float v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    EXPECT_EQ(r.ptr, s.data() + s.size()) << s;
    return v;
}

// Checks labels.csv: the header, `count` rows naming the images, the attributes of seeds
// first, first + 1, ... exactly.
void expect_labels(const std::string& dir, int count, uint64_t first) {
    const std::vector<std::string> lines = split(read_bytes(dir + "/labels.csv"), '\n');
    ASSERT_EQ(lines.size(), static_cast<size_t>(count) + 1);
    std::string header = "file";
    for (const auto& info : portrait::attribute_table()) header += std::string(",") + info.name;
    EXPECT_EQ(lines[0], header);
    for (int i = 0; i < count; ++i) {
        const std::vector<std::string> cells = split(lines[i + 1], ',');
        ASSERT_EQ(cells.size(), static_cast<size_t>(portrait::kAttributeCount) + 1) << lines[i + 1];
        char name[16];
        std::snprintf(name, sizeof name, "%06d.png", i);
        EXPECT_EQ(cells[0], name);
        const portrait::Attributes a = portrait::sample_attributes(first + i);
        for (int j = 0; j < portrait::kAttributeCount; ++j) {
            EXPECT_EQ(parse_float(cells[j + 1]), a[j]) << "row " << i << " column " << j;
        }
    }
}

TEST(CliDataset, PortraitsWritesImagesAndLabels) {
    TempDir tmp;
    const std::string dir = tmp / "set";
    auto r = run_cli({"dataset", "portraits", "--count", "3", "--size", "32", "--out", dir});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* name : {"000000.png", "000001.png", "000002.png"}) {
        const auto [w, h] = png_size(read_bytes(dir + "/" + name));
        EXPECT_EQ(w, 32u) << name;
        EXPECT_EQ(h, 32u) << name;
    }
    EXPECT_FALSE(std::filesystem::exists(dir + "/000003.png"));
    expect_labels(dir, 3, 0);

    // A folder with a data set is not written again without --overwrite; nothing changes.
    const std::string labels = read_bytes(dir + "/labels.csv");
    r = run_cli({"dataset", "portraits", "--count", "2", "--size", "32", "--out", dir});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("labels.csv"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--overwrite"), std::string::npos) << r.err;
    EXPECT_EQ(test::count_lines(r.err), 1u) << r.err;
    EXPECT_EQ(read_bytes(dir + "/labels.csv"), labels);

    r = run_cli({"dataset", "portraits", "--count", "2", "--size", "16", "--seed", "100",
                 "--supersample", "1", "--out", dir, "--overwrite"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_labels(dir, 2, 100);
    EXPECT_EQ(png_size(read_bytes(dir + "/000001.png")).first, 16u);
}

TEST(CliDataset, SameSeedSameImage) {
    TempDir tmp;
    ASSERT_EQ(run_cli({"dataset", "portraits", "--count", "2", "--size", "24", "--seed", "7",
                       "--out", tmp / "a"})
                  .exit_code,
              0);
    ASSERT_EQ(run_cli({"dataset", "portraits", "--count", "1", "--size", "24", "--seed", "8",
                       "--out", tmp / "b"})
                  .exit_code,
              0);
    EXPECT_EQ(read_bytes(tmp / "a/000001.png"), read_bytes(tmp / "b/000000.png"));
    EXPECT_NE(read_bytes(tmp / "a/000000.png"), read_bytes(tmp / "b/000000.png"));
}

TEST(CliDataset, BadRequests) {
    TempDir tmp;
    // No kind, no --count, out-of-range options: usage errors.
    EXPECT_EQ(run_cli({"dataset"}).exit_code, 2);
    EXPECT_EQ(run_cli({"dataset", "portraits", "--out", tmp / "x"}).exit_code, 2);
    EXPECT_EQ(run_cli({"dataset", "portraits", "--count", "0", "--out", tmp / "x"}).exit_code, 2);
    EXPECT_EQ(run_cli({"dataset", "portraits", "--count", "1", "--size", "4", "--out", tmp / "x"})
                  .exit_code,
              2);
    EXPECT_EQ(
        run_cli({"dataset", "portraits", "--count", "1", "--supersample", "9", "--out", tmp / "x"})
            .exit_code,
        2);
    // A folder whose parent is missing, or a file in the way: bad input, nothing written.
    auto r = run_cli({"dataset", "portraits", "--count", "1", "--out", tmp / "no/such/dir"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
    test::write_bytes(tmp / "file", "x");
    r = run_cli({"dataset", "portraits", "--count", "1", "--out", tmp / "file"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(read_bytes(tmp / "file"), "x");
    EXPECT_FALSE(std::filesystem::exists(tmp / "x"));
}

}  // namespace
}  // namespace ls
