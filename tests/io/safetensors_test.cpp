// safetensors: a file built byte by byte from the format's specification, round trips, and
// damaged files refused with a message.
#include "io/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "io/npy.h"

namespace ls::io {
namespace {

std::vector<uint8_t> file_of(const std::string& header, const std::vector<uint8_t>& data) {
    std::vector<uint8_t> out(8 + header.size() + data.size());
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(uint64_t(header.size()) >> (8 * i));
    std::memcpy(out.data() + 8, header.data(), header.size());
    if (!data.empty()) std::memcpy(out.data() + 8 + header.size(), data.data(), data.size());
    return out;
}

std::vector<uint8_t> floats(std::vector<float> v) {
    std::vector<uint8_t> out(v.size() * 4);
    std::memcpy(out.data(), v.data(), out.size());
    return out;
}

TEST(Safetensors, ReadsAFileWrittenFromTheSpecification) {
    // As the reference writer lays it out: header JSON, then the tensors back to back.
    const std::string header =
        R"({"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]},)"
        R"("a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})";
    const auto f = parse_safetensors(file_of(header, floats({1, 2, 3, 4, 5})));
    ASSERT_EQ(f.tensors.size(), 2u);
    EXPECT_EQ(f.metadata.at("format"), "pt");
    EXPECT_EQ(f.tensors[0].first, "a");  // in the order of the data
    EXPECT_EQ(f.tensors[0].second.to_float_vector(), (std::vector<float>{1, 2, 3}));
    EXPECT_EQ(f.tensors[1].second.to_float_vector(), (std::vector<float>{4, 5}));
}

TEST(Safetensors, RoundTripKeepsNamesShapesValuesAndMetadata) {
    TensorBytes t{"w", DType::Float32, {2, 3}, floats({1, -2, 3, -4, 5, -6})};
    TensorBytes h{"half", DType::Float16, {2}, {0x00, 0x3c, 0x00, 0xc0}};  // 1.0, -2.0
    const auto bytes = serialize_safetensors({{"k", "v"}}, {t, h});
    EXPECT_EQ((bytes[0] | bytes[1] << 8) % 8, 0) << "data starts 8-byte aligned";
    const auto f = parse_safetensors(bytes);
    EXPECT_EQ(f.metadata.at("k"), "v");
    ASSERT_EQ(f.tensors.size(), 2u);
    EXPECT_EQ(f.tensors[0].second.shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(f.tensors[0].second.to_float_vector(), (std::vector<float>{1, -2, 3, -4, 5, -6}));
    EXPECT_EQ(f.tensors[1].second.to_float_vector(), (std::vector<float>{1, -2}));
}

TEST(Safetensors, WriteIsAtomicAndReadable) {
    const auto dir = std::filesystem::temp_directory_path() / "ls_safetensors_test";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "x.safetensors").string();
    write_safetensors(path, {}, {TensorBytes{"x", DType::Float32, {1}, floats({7})}});
    EXPECT_EQ(read_safetensors(path).tensors.at(0).second.to_float_vector(), std::vector<float>{7});
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        EXPECT_EQ(e.path().filename(), "x.safetensors") << "no temporary file left behind";
    }
    std::filesystem::remove_all(dir);
}

TEST(Safetensors, MetadataIsReadFromTheHeaderAlone) {
    const auto dir = std::filesystem::temp_directory_path() / "ls_safetensors_meta_test";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "m.safetensors").string();
    write_safetensors(path, {{"format", "x"}},
                      {TensorBytes{"t", DType::Float32, {2}, floats({1, 2})}});
    EXPECT_EQ(read_safetensors_metadata(path),
              (std::map<std::string, std::string>{{"format", "x"}}));
    EXPECT_EQ(read_safetensors_metadata(path), read_safetensors(path).metadata);
    write_npy(path, {{1}, {0.f}});  // not a safetensors file
    EXPECT_THROW(read_safetensors_metadata(path), FormatError);
    std::filesystem::remove_all(dir);
}

void expect_refused(const std::vector<uint8_t>& bytes, const std::string& words) {
    try {
        parse_safetensors(bytes);
        FAIL() << "accepted a damaged file (" << words << ")";
    } catch (const FormatError& e) {
        EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
}

TEST(Safetensors, DamagedFilesAreRefusedWithAMessage) {
    const auto data = floats({1, 2});
    expect_refused({1, 2, 3}, "shorter");
    expect_refused(file_of("{", data), "not a JSON object");
    expect_refused(file_of("[1]", data), "not a JSON object");
    auto huge = file_of("{}", data);
    huge[7] = 0x7f;  // a header length far past the end
    expect_refused(huge, "does not fit");
    expect_refused(file_of(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data),
                   "outside the file");
    expect_refused(file_of(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data),
                   "not what its shape needs");
    expect_refused(file_of(R"({"a":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}})", data),
                   "unsupported dtype");
    expect_refused(file_of(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data),
                   "not of sizes");
    expect_refused(file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                           R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                           data),
                   "overlap");
    expect_refused(file_of(R"({"a":{"dtype":"F32","shape":[9223372036854775807,4],)"
                           R"("data_offsets":[0,8]}})",
                           data),
                   "too large");
    expect_refused(file_of(R"({"__metadata__":{"k":1}})", data), "not a string");
}

}  // namespace
}  // namespace ls::io
