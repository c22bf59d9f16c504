// SHA-256 of files, for verifying downloads against published checksums.
#pragma once

#include <string>

namespace ls::store {

// Lower-case hex digest of the whole file; throws io::FormatError when it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace ls::store
