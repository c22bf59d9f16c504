// libFuzzer target: parse_npy on any input, and a write-read round trip of what it accepts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes(data, data + size);
    try {
        const ls::io::NpyArray array = ls::io::parse_npy(bytes);
        const ls::io::NpyArray again = ls::io::parse_npy(ls::io::serialize_npy(array));
        if (again.shape != array.shape || again.data.size() != array.data.size() ||
            (!array.data.empty() &&
             std::memcmp(again.data.data(), array.data.data(), array.data.size() * 4) != 0))
            std::abort();  // what we write must read back bit for bit
    } catch (const ls::io::FormatError&) {
        // A refused input.
    }
    return 0;
}
