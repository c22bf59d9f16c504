// Directions in .npy files: InterFaceGAN boundaries ([1, w_dim] or [w_dim]), per-layer
// directions ([num_ws, w_dim]) and sets of directions ([K, w_dim], [K, num_ws, w_dim]) from
// which "FILE.npy:INDEX" picks one.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <string>

#include "model/config.h"

namespace ls::edit {

struct DirectionSpec {
    std::string path;
    std::optional<int64_t> index;
};

// "dirs.npy:3" -> {"dirs.npy", 3}; a path without a trailing ":N" is taken whole.
DirectionSpec parse_direction_spec(const std::string& text);

// One direction out of `array`, for a model with `num_ws` layers of `w_dim`:
// - a single vector ([w_dim], [1, w_dim], or row `index` of [K, w_dim]) comes back as [w_dim]
//   scaled to unit length, the form of an InterFaceGAN boundary's normal;
// - a per-layer direction ([num_ws, w_dim] without an index, or entry `index` of
//   [K, num_ws, w_dim]) comes back [num_ws, w_dim] as stored: its rows are the step of each
//   layer per unit of strength, and may be scaled on purpose (a pair's difference).
// Throws std::invalid_argument naming `what` for any other shape, an index out of range, a
// zero direction or a non-finite value. (The rule itself: edit/direction_select.h.)
at::Tensor select_direction(const at::Tensor& array, std::optional<int64_t> index, int num_ws,
                            int w_dim, const std::string& what);

// Reads "FILE.npy[:INDEX]" and selects the direction as above (float32, CPU).
at::Tensor load_direction(const std::string& spec, const GeneratorConfig& config);

// A direction or a set of them as NumPy writes InterFaceGAN boundaries: [w_dim] -> [1, w_dim].
void save_direction(const std::string& path, const at::Tensor& direction);

}  // namespace ls::edit
