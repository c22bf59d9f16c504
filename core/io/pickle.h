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
using PersistentLoader = std::function<ValuePtr(const ValuePtr& pid)>;

struct PickleLimits {
    size_t max_depth = 10000;         // nesting of containers
    size_t max_items = 50'000'000;    // values created in all
};

// Reads one pickle starting at data[*pos]; on return *pos is just after its STOP opcode.
ValuePtr read_pickle(const uint8_t* data, size_t size, size_t* pos,
                     const PersistentLoader& persistent_load = nullptr,
                     const PickleLimits& limits = {});

}  // namespace ls::io
