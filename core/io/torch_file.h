// Reading the files that torch.save and NVIDIA's training loop write, without LibTorch and
// without executing anything:
//  - the zip serialisation of torch.save (PyTorch >= 1.6): <archive>/data.pkl + data/<key>
//  - the legacy serialisation (before 1.6): magic number, protocol, sys info, the object
//    pickle, the storage keys, then each storage's bytes
//  - plain pickles (network pickles of stylegan2-ada-pytorch), whose storages are embedded
//    as torch.storage._load_from_bytes(<legacy serialisation bytes>)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/value.h"

namespace ls::io {

enum class TorchFileFormat { Zip, Legacy, Pickle };

// Detects the format from the first bytes, reads the whole object tree. Throws FormatError
// with a message that names the file for a missing file, a directory, an empty, truncated or
// corrupt file, or a refused global.
ValuePtr load_torch_file(const std::string& path, TorchFileFormat* format = nullptr);
ValuePtr load_torch_bytes(const std::vector<uint8_t>& bytes, TorchFileFormat* format = nullptr);

}  // namespace ls::io
