// A direction from two codes (TrGAN's transferable edit): what turns one inverted photo or
// sample into another, applied to a third.
#pragma once

#include <ATen/ATen.h>

namespace ls::edit {

struct PairDirection {
    at::Tensor direction;  // to - from, scaled to unit length: [w_dim] or [num_ws, w_dim]
    double length = 0;     // |to - from|: the strength that takes `from` to `to`
};

// `from` and `to` are w ([w_dim] or [1, w_dim]) or W+ ([num_ws, w_dim] or [1, num_ws, w_dim])
// of the same shape. Throws std::invalid_argument for other shapes or identical codes.
PairDirection direction_from_pair(const at::Tensor& from, const at::Tensor& to);

}  // namespace ls::edit
