// The one rule for reading a direction out of an array, for every reader of direction files:
// the command line, the editor's Add direction, the direction library and sessions. No torch
// here, so that the editor's files can use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "io/npy.h"

namespace ls::edit {

// One direction out of `array`, for a model with `num_ws` layers of `w_dim`:
// - a single vector ([w_dim], [1, w_dim], or row `index` of [K, w_dim]) comes back as [w_dim]
//   scaled to unit length, the form of an InterFaceGAN boundary's normal;
// - a per-layer direction ([num_ws, w_dim] without an index, or entry `index` of
//   [K, num_ws, w_dim]) comes back [num_ws, w_dim] as stored: its rows are the step of each
//   layer per unit of strength, and may be scaled on purpose (a pair's difference).
// Throws std::invalid_argument naming `what` for any other shape, an index out of range, a
// zero direction or a non-finite value.
// Whether `array` is a set of directions, of which select_direction needs an index to pick
// one: [K, num_ws, w_dim], or [K, w_dim] with K neither 1 nor num_ws.
bool is_direction_set(const io::NpyArray& array, int num_ws);

io::NpyArray select_direction(const io::NpyArray& array, std::optional<int64_t> index, int num_ws,
                              int w_dim, const std::string& what);

}  // namespace ls::edit
