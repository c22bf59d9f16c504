// libFuzzer target: read_pickle on any input, with a persistent loader that hands out a small
// storage so that the tensor rebuilds are reached too.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "fuzz_checks.h"
#include "io/pickle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto storage = std::make_shared<ls::io::Storage>();
    storage->bytes.resize(64 * sizeof(float));
    const ls::io::PersistentLoader loader = [&storage](const ls::io::ValuePtr&) {
        auto tensor = std::make_shared<ls::io::RawTensor>();
        tensor->shape = {64};
        tensor->strides = {1};
        tensor->storage = storage;
        auto v = std::make_shared<ls::io::Value>();
        v->kind = ls::io::Value::Kind::Tensor;
        v->tensor = tensor;
        return v;
    };
    // Smaller limits than the defaults keep each run fast; the defaults are exercised by the
    // torch_file target.
    ls::io::PickleLimits limits;
    limits.max_depth = 1000;
    limits.max_items = 1'000'000;
    // Read pickle after pickle, as the legacy format does.
    size_t pos = 0;
    try {
        while (pos < size)
            ls::io::fuzz::convert_all_tensors(
                ls::io::read_pickle(data, size, &pos, loader, limits));
    } catch (const ls::io::FormatError&) {
        // A refused input.
    }
    return 0;
}
