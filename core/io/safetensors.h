// The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}},
// then the raw little-endian tensor bytes. Latent Studio writes its own models and training
// checkpoints in it because every ecosystem reads it and reading it runs no code.
// Torch-free, like the other readers, so that it can be fuzzed alone.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/value.h"

namespace ls::io {

struct SafetensorsFile {
    std::map<std::string, std::string> metadata;
    // In the order of their offsets in the file.
    std::vector<std::pair<std::string, RawTensor>> tensors;
};

// Throws FormatError naming the file and the first problem (a header that is not JSON, offsets
// outside the file or not matching the shape, an unknown dtype, ...).
SafetensorsFile read_safetensors(const std::string& path);
SafetensorsFile parse_safetensors(const std::vector<uint8_t>& bytes);
// Only the metadata, reading only the header (a training checkpoint is hundreds of MB).
std::map<std::string, std::string> read_safetensors_metadata(const std::string& path);

// One tensor to write: contiguous little-endian bytes of `dtype` in C order.
struct TensorBytes {
    std::string name;
    DType dtype = DType::Float32;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
};

std::vector<uint8_t> serialize_safetensors(const std::map<std::string, std::string>& metadata,
                                           const std::vector<TensorBytes>& tensors);
// Writes atomically (a temporary file beside `path`, then a rename).
void write_safetensors(const std::string& path, const std::map<std::string, std::string>& metadata,
                       const std::vector<TensorBytes>& tensors);

}  // namespace ls::io
