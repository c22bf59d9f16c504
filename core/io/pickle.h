// A pickle reader that executes nothing. Protocols 0 to 5. Globals are resolved against an
// allow-list of data-only constructors; any other global is refused with a FormatError that
// names it (for example "os.system").
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "io/value.h"

namespace ls::io {

// Called for PERSISTENT_ID / BINPERSID: torch.save stores tensors' storages this way.
// A storage is handed back as a Kind::Tensor value whose RawTensor is 1-D with stride 1 over
// the storage (or the part of it that a legacy storage view covers); _rebuild_tensor_v2 then
// makes checked views of it. torch.storage._load_from_bytes gives storages in the same form.
using PersistentLoader = std::function<ValuePtr(const ValuePtr& pid)>;

struct PickleLimits {
    size_t max_depth = 10000;         // nesting of containers
    size_t max_items = 50'000'000;    // values created in all
};

// Reads one pickle starting at data[*pos]; on return *pos is just after its STOP opcode.
// Integers beyond int64 become Float (the nearest double). Besides PickleLimits, what a pickle
// builds is capped at 64 MiB plus four times the input's size, and a list, dict or set may not
// be changed once stored in another value (which refuses self-referencing structures).
ValuePtr read_pickle(const uint8_t* data, size_t size, size_t* pos,
                     const PersistentLoader& persistent_load = nullptr,
                     const PickleLimits& limits = {});

}  // namespace ls::io
