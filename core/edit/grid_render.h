// The comparison grid's images: one edit at several layer ranges (rows) and strengths
// (columns), the quickest way to see what HiGAN found (layout early, attributes in the
// middle, colour and light at the end). The labelled picture is core/imaging's part.
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "edit/layer_range.h"
#include "model/generator.h"

namespace ls::edit {

struct GridRequest {
    at::Tensor wplus;      // [1, num_ws, w_dim] (or [num_ws, w_dim])
    at::Tensor direction;  // [w_dim] or [num_ws, w_dim]
    std::vector<LayerRange> ranges;
    std::vector<double> strengths;
    nn::NoiseMode noise = nn::NoiseMode::Const;
};

// Images [rows * columns, C, H, W] on the CPU, row by row. A row's cells are rendered as one
// batch (in chunks on large models) from the state its unedited blocks share: only the blocks
// from the range's first layer on run for each cell.
at::Tensor render_edit_grid(nn::Generator generator, const GridRequest& request);

}  // namespace ls::edit
