// InterFaceGAN's conditional editing: a direction with its components along other boundaries
// removed, so that moving along it leaves those attributes where they were.
#pragma once

#include <ATen/ATen.h>

#include <vector>

namespace ls::edit {

// Projects `direction` [w_dim] onto the orthogonal complement of the span of `conditions`
// (each [w_dim]) and scales it to unit length. The result is orthogonal to every condition,
// whether or not the conditions are orthogonal to each other (they are orthonormalised first,
// and linearly dependent ones are skipped). Throws std::invalid_argument when the direction
// lies in their span (nothing is left) or a shape does not match.
at::Tensor project_off(const at::Tensor& direction, const std::vector<at::Tensor>& conditions);

}  // namespace ls::edit
