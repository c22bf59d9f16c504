// The edit stack: directions with strengths and layer ranges, applied to a W+ code.
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "edit/layer_range.h"

namespace ls::edit {

struct Edit {
    at::Tensor direction;  // [w_dim] (the same step on every layer) or [num_ws, w_dim]
    double strength = 0;
    LayerRange range;
    bool enabled = true;

    // Only these change a code: disabled edits and strength 0 are skipped entirely.
    bool active() const { return enabled && strength != 0 && direction.defined(); }
};

using EditStack = std::vector<Edit>;

// What a stack adds to each W+ layer: `delta` [num_ws, w_dim] (float32, CPU) and whether a
// layer is touched at all (untouched layers are left as they are, not added zero to).
struct EditDelta {
    at::Tensor delta;
    std::vector<bool> touched;
};

// The sum of strength * direction over the active edits, on the layers in their ranges.
// The sum runs in float64 over the edits in a canonical order (not the stack's order), so
// that edits commute exactly: any permutation of a stack gives the same bits.
// Throws std::invalid_argument for a direction or range that does not fit num_ws x w_dim.
EditDelta stack_delta(const EditStack& stack, int num_ws, int w_dim);

// w' = w + sum strength * direction on the layers in range, for W+ [N, num_ws, w_dim] or
// [num_ws, w_dim]. A stack with no active edit returns `wplus` itself (bit-identical).
at::Tensor apply_edits(const at::Tensor& wplus, const EditStack& stack);

// The first W+ layer whose edited value differs between stacks `a` and `b` (num_ws when
// none does): a renderer can keep every block before first_block_of_layer of it.
int first_changed_layer(const EditStack& a, const EditStack& b, int num_ws, int w_dim);

}  // namespace ls::edit
