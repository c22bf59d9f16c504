// What every fuzz target checks on a successful read, beyond "no crash": each tensor the
// readers hand out converts, because the readers check views against their storages when
// they make them. A FormatError from the conversion would mean that check was missed, so it
// aborts instead of being taken for a refused input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <unordered_set>
#include <vector>

#include "io/value.h"

namespace ls::io::fuzz {

// Visits each value once: pickles can share one value many times (a DAG), and walking it as a
// tree could take exponential time.
inline void convert_all_tensors(const ValuePtr& root) {
    std::vector<ValuePtr> todo = {root};
    std::unordered_set<const Value*> seen;
    while (!todo.empty()) {
        ValuePtr v = std::move(todo.back());
        todo.pop_back();
        if (!v || !seen.insert(v.get()).second) continue;
        if (v->kind == Value::Kind::Tensor) {
            if (!v->tensor) {
                std::fprintf(stderr, "a tensor value without a tensor\n");
                std::abort();
            }
            try {
                (void)v->tensor->to_float_vector();
            } catch (const FormatError& e) {
                std::fprintf(stderr, "a tensor the reader made does not convert: %s\n", e.what());
                std::abort();
            }
        }
        for (const auto& item : v->items) todo.push_back(item);
        for (const auto& [key, value] : v->dict) {
            todo.push_back(key);
            todo.push_back(value);
        }
        todo.push_back(v->state);
    }
}

}  // namespace ls::io::fuzz
