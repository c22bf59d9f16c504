// Helpers shared by the readers' .cpp files. Not part of the public interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/value.h"

namespace ls::io::detail {

// Text taken from a file, made safe for a one-line message: control characters escaped,
// long names cut.
std::string printable(std::string_view text, size_t max_chars = 120);

// Reads a complete legacy torch.save serialisation held in memory and returns its object.
// Used for torch.storage._load_from_bytes, whose argument is such a serialisation of one
// storage (defined in torch_file.cpp).
ValuePtr load_legacy_bytes(const uint8_t* data, size_t size);

// Checks that `path` names a readable file and returns its size; otherwise throws a
// FormatError such as "cannot read 'x.pt': no such file" (defined in npy.cpp, beside
// read_file_bytes).
uint64_t check_readable_file(const std::string& path);
// The file's first `n` bytes, or fewer when it is shorter.
std::vector<uint8_t> read_file_head(const std::string& path, size_t n);
// 'path' for a message.
std::string quoted_path(const std::string& path);

// a * b and a + b on non-negative sizes; nullopt when the result does not fit in int64.
std::optional<int64_t> checked_mul(int64_t a, int64_t b);
std::optional<int64_t> checked_add(int64_t a, int64_t b);

// A NumPy type string such as '<f4', '|u1', '>i8' (dtype.str), in the subset the readers
// accept: booleans, integers and floats.
struct NumpyDescr {
    char kind = 'f';  // 'f' float, 'i' signed, 'u' unsigned, 'b' bool
    int size = 4;     // bytes per element
    bool big_endian = false;
};

// Parses a type string; throws FormatError saying why it is refused (objects, structured
// types, strings, complex numbers, ...).
NumpyDescr parse_numpy_descr(std::string_view descr);

// The DType that holds elements of this NumPy type; nullopt for unsigned types wider than
// one byte, which DType has no room for.
std::optional<DType> dtype_for_numpy(const NumpyDescr& descr);

// IEEE half precision to float, exactly (subnormals, infinities and NaNs included).
float half_to_float(uint16_t bits);

// Reverses the byte order of each element of `size` bytes, in place.
void swap_byte_order(uint8_t* data, size_t bytes, int size);

}  // namespace ls::io::detail
