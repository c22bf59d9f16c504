// NumPy .npy files (format versions 1.0, 2.0 and 3.0), so that codes and directions written by
// NumPy (InterFaceGAN boundaries, e4e codes) load as they are.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/value.h"

namespace ls::io {

struct NpyArray {
    std::vector<int64_t> shape;
    std::vector<float> data;  // C order, converted to float32 from any numeric dtype
};

// Accepts little/big-endian float16/32/64 and integer/bool dtypes, C or Fortran order.
// Refuses object arrays, structured dtypes and shapes whose size does not match the data.
NpyArray read_npy(const std::string& path);
NpyArray parse_npy(const std::vector<uint8_t>& bytes);

// Writes '<f4', C order, format 1.0, atomically (a temporary file beside it, then rename).
void write_npy(const std::string& path, const NpyArray& array);
std::vector<uint8_t> serialize_npy(const NpyArray& array);

// Reads a whole file, with a FormatError for a missing file, a directory or a read error.
std::vector<uint8_t> read_file_bytes(const std::string& path, uint64_t max_bytes = (1ull << 34));
// Writes through a temporary file in the same folder and renames it over `path`.
void write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace ls::io
