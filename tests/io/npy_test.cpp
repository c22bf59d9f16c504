// .npy files built byte by byte from the format's specification (as NumPy writes them),
// round trips, and the atomic write.
#include "io/npy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "test_support.h"

namespace ls::io {
namespace {

// A .npy file: magic, version, header length, the header padded with spaces to a 64-byte
// boundary and ended by '\n', then the data.
std::vector<uint8_t> npy(int major, const std::string& header, const std::string& data) {
    const size_t len_size = major == 1 ? 2 : 4;
    const size_t prefix = 8 + len_size;
    std::string padded = header;
    while ((prefix + padded.size() + 1) % 64 != 0) padded += ' ';
    padded += '\n';
    std::string out = "\x93NUMPY";
    out += static_cast<char>(major);
    out += '\0';
    for (size_t k = 0; k < len_size; ++k)
        out += static_cast<char>((padded.size() >> (8 * k)) & 0xff);
    return test::bytes_of(out + padded + data);
}

template <typename T>
std::string raw(const std::vector<T>& values, bool big_endian = false) {
    std::string out(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
    if (big_endian)
        for (size_t k = 0; k < out.size(); k += sizeof(T))
            std::reverse(out.begin() + static_cast<long>(k),
                         out.begin() + static_cast<long>(k + sizeof(T)));
    return out;
}

std::string error_of(const std::vector<uint8_t>& bytes) {
    try {
        parse_npy(bytes);
    } catch (const FormatError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected a FormatError";
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(Npy, Float32Version1) {
    std::vector<float> values(4 * 64);
    for (size_t k = 0; k < values.size(); ++k) values[k] = 0.5f * static_cast<float>(k) - 3.0f;
    const NpyArray a = parse_npy(
        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 64), }", raw(values)));
    EXPECT_EQ(a.shape, (std::vector<int64_t>{4, 64}));
    EXPECT_EQ(a.data, values);
}

TEST(Npy, OtherTypesAndByteOrders) {
    auto a = parse_npy(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                           raw<double>({0.25, -1e10, 3})));
    EXPECT_EQ(a.shape, (std::vector<int64_t>{3}));
    EXPECT_EQ(a.data, (std::vector<float>{0.25f, -1e10f, 3.0f}));
    a = parse_npy(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                      raw<float>({1.5f, -2.0f}, true)));
    EXPECT_EQ(a.data, (std::vector<float>{1.5f, -2.0f}));
    a = parse_npy(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
                      raw<int64_t>({-3, 40})));
    EXPECT_EQ(a.data, (std::vector<float>{-3, 40}));
    a = parse_npy(npy(1, "{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }",
                      raw<int16_t>({-300, 7}, true)));
    EXPECT_EQ(a.data, (std::vector<float>{-300, 7}));
    a = parse_npy(npy(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }",
                      raw<uint16_t>({65535})));
    EXPECT_EQ(a.data, (std::vector<float>{65535}));
    a = parse_npy(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", "\xff\x01"));
    EXPECT_EQ(a.data, (std::vector<float>{255, 1}));
    a = parse_npy(npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }",
                      std::string("\x01\x00", 2)));
    EXPECT_EQ(a.data, (std::vector<float>{1, 0}));
    a = parse_npy(npy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }",
                      raw<uint16_t>({0x3c00, 0xc200})));
    EXPECT_EQ(a.data, (std::vector<float>{1, -3}));
    a = parse_npy(npy(1, "{'descr': '>f2', 'fortran_order': False, 'shape': (1,), }",
                      raw<uint16_t>({0x3800}, true)));
    EXPECT_EQ(a.data, (std::vector<float>{0.5f}));
}

TEST(Npy, ScalarsAndEmptyArrays) {
    auto a = parse_npy(
        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", raw<float>({7})));
    EXPECT_TRUE(a.shape.empty());
    EXPECT_EQ(a.data, (std::vector<float>{7}));
    a = parse_npy(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", ""));
    EXPECT_EQ(a.shape, (std::vector<int64_t>{0, 5}));
    EXPECT_TRUE(a.data.empty());
}

TEST(Npy, Versions2And3) {
    for (int major : {2, 3}) {
        const auto a =
            parse_npy(npy(major, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }",
                          raw<float>({1, 2})));
        EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 1})) << major;
        EXPECT_EQ(a.data, (std::vector<float>{1, 2})) << major;
    }
}

TEST(Npy, FortranOrderBecomesCOrder) {
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    auto a = parse_npy(npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                           raw<float>({1, 4, 2, 5, 3, 6})));
    EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(a.data, (std::vector<float>{1, 2, 3, 4, 5, 6}));
    // 2x2x2 with element (i, j, k) = 100i + 10j + k.
    std::vector<double> column_major;
    for (int k = 0; k < 2; ++k)
        for (int j = 0; j < 2; ++j)
            for (int i = 0; i < 2; ++i) column_major.push_back(100 * i + 10 * j + k);
    a = parse_npy(
        npy(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2, 2), }", raw(column_major)));
    EXPECT_EQ(a.data, (std::vector<float>{0, 1, 10, 11, 100, 101, 110, 111}));
}

TEST(Npy, HeaderSpellings) {
    // Keys in another order, double quotes, Python 2's long suffix, no trailing comma.
    const auto a = parse_npy(npy(
        1, "{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"<f4\"}", raw<float>({1, 2})));
    EXPECT_EQ(a.data, (std::vector<float>{1, 2}));
}

TEST(NpyErrors, Refused) {
    const std::string ok_data = raw<float>({1, 2});
    EXPECT_TRUE(contains(error_of(test::bytes_of("\x93NUMPX\x01\x00")), "magic"));
    EXPECT_TRUE(contains(error_of({}), "empty"));
    EXPECT_TRUE(contains(
        error_of(npy(4, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", ok_data)),
        "version 4.0"));
    EXPECT_TRUE(contains(error_of(npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }",
                                      std::string(16, '\0'))),
                         "object"));
    EXPECT_TRUE(contains(
        error_of(
            npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", ok_data)),
        "structured"));
    EXPECT_TRUE(contains(
        error_of(npy(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", ok_data)),
        "not supported"));
    EXPECT_TRUE(contains(
        error_of(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", ok_data)),
        "needs 12 bytes of data, but the file holds 8"));
    EXPECT_TRUE(contains(
        error_of(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", ok_data)),
        "needs 4 bytes"));
    EXPECT_TRUE(contains(
        error_of(npy(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }",
            ok_data)),
        "too many"));
    EXPECT_TRUE(
        contains(error_of(npy(1, "{'descr': '<f4', 'fortran_order': False}", ok_data)), "missing"));
    EXPECT_TRUE(
        contains(error_of(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}",
                              ok_data)),
                 "unexpected"));
    EXPECT_TRUE(contains(
        error_of(npy(1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", ok_data)),
        "True or False"));
    EXPECT_TRUE(contains(
        error_of(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", ok_data)),
        "dimension"));
    // Header without its newline, and a header length past the end of the file.
    auto bytes = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", ok_data);
    bytes[10 + bytes[8] - 1] = ' ';
    EXPECT_TRUE(contains(error_of(bytes), "line"));
    bytes[8] = 0xff;
    bytes[9] = 0xff;
    EXPECT_TRUE(contains(error_of(bytes), "truncated"));
    for (size_t cut = 0; cut + 1 < bytes.size(); ++cut)
        EXPECT_THROW(
            parse_npy(std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(cut))),
            FormatError);
}

TEST(Npy, FixtureZ) {
    const NpyArray z = read_npy(test::fixture("stylegan2/rosinality_tiny64_cases/z.npy"));
    EXPECT_EQ(z.shape, (std::vector<int64_t>{4, 64}));
    ASSERT_EQ(z.data.size(), 256u);
    // The file is the header and then exactly these floats.
    const auto bytes = read_file_bytes(test::fixture("stylegan2/rosinality_tiny64_cases/z.npy"));
    EXPECT_EQ(std::memcmp(bytes.data() + bytes.size() - 1024, z.data.data(), 1024), 0);
}

TEST(Npy, RoundTrip) {
    test::ScratchDir dir;
    for (const std::vector<int64_t>& shape : {std::vector<int64_t>{2, 3, 4}, std::vector<int64_t>{},
                                              std::vector<int64_t>{0}, std::vector<int64_t>{5}}) {
        NpyArray a;
        a.shape = shape;
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        for (int64_t k = 0; k < n; ++k) a.data.push_back(static_cast<float>(k) * 0.25f - 1.0f);
        const std::string path = dir / "a.npy";
        write_npy(path, a);
        const NpyArray b = read_npy(path);
        EXPECT_EQ(b.shape, a.shape);
        EXPECT_EQ(b.data, a.data);
        const auto bytes = test::read_all(path);
        EXPECT_EQ(bytes[6], 1);  // format 1.0
        const size_t header_len = bytes[8] | (bytes[9] << 8);
        EXPECT_EQ((10 + header_len) % 64, 0u);
        EXPECT_EQ(bytes[10 + header_len - 1], '\n');
    }
    NpyArray bad;
    bad.shape = {2, 2};
    bad.data = {1, 2, 3};
    EXPECT_THROW(serialize_npy(bad), FormatError);
}

TEST(Npy, WriteIsAtomic) {
    test::ScratchDir dir;
    NpyArray a;
    a.shape = {2};
    a.data = {1, 2};
    const std::string path = dir / "w.npy";
    write_npy(path, a);
    a.data = {3, 4};
    write_npy(path, a);  // replaces the file
    EXPECT_EQ(read_npy(path).data, (std::vector<float>{3, 4}));
    size_t entries = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().filename(), "w.npy");
        ++entries;
    }
    EXPECT_EQ(entries, 1u);  // no temporary left behind

    const std::string missing = dir / "no/such/folder/x.npy";
    try {
        write_npy(missing, a);
        FAIL() << "expected a FormatError";
    } catch (const FormatError& e) {
        EXPECT_TRUE(contains(e.what(), "cannot write '" + missing + "'")) << e.what();
        EXPECT_TRUE(contains(e.what(), "does not exist")) << e.what();
    }
    EXPECT_FALSE(test::exists(missing));
    EXPECT_THROW(write_npy(dir.path(), a), FormatError);  // a directory
}

TEST(Npy, ReadFileErrors) {
    test::ScratchDir dir;
    EXPECT_EQ(std::string([&] {
                  try {
                      read_npy(dir / "none.npy");
                  } catch (const FormatError& e) {
                      return std::string(e.what());
                  }
                  return std::string();
              }()),
              "cannot read '" + (dir / "none.npy") + "': no such file");
    EXPECT_THROW(read_npy(dir.path()), FormatError);
    test::write_file(dir / "big", std::vector<uint8_t>(100));
    EXPECT_THROW(read_file_bytes(dir / "big", 50), FormatError);
    EXPECT_EQ(read_file_bytes(dir / "big", 100).size(), 100u);
    test::write_file(dir / "text.npy", test::bytes_of("hello"));
    const std::string message = [&] {
        try {
            read_npy(dir / "text.npy");
        } catch (const FormatError& e) {
            return std::string(e.what());
        }
        return std::string();
    }();
    EXPECT_TRUE(contains(message, "cannot read '" + (dir / "text.npy") + "': not a .npy file"))
        << message;
}

}  // namespace
}  // namespace ls::io
