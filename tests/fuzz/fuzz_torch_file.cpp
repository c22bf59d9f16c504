// libFuzzer target: load_torch_bytes on any input (zip, legacy, plain pickle).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_checks.h"
#include "io/torch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes(data, data + size);
    try {
        ls::io::fuzz::convert_all_tensors(ls::io::load_torch_bytes(bytes));
    } catch (const ls::io::FormatError&) {
        // A refused input: the expected outcome for almost all of them.
    }
    return 0;
}
