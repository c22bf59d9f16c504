// SeFa, closed-form factorisation (Shen & Zhou, 2021): the directions n that change the
// styles of a layer range the most are the top eigenvectors of A^T A, where A stacks the
// style-modulation weights of those layers. No samples, no labels: only the weights.
#pragma once

#include <ATen/ATen.h>

#include "edit/layer_range.h"
#include "model/generator.h"

namespace ls::edit {

struct SefaOptions {
    // Stack the ToRGB modulations that the range feeds as well as the convolutions'. With it
    // A is exactly the map from the edited w to every style the edit changes; without it the
    // stack is rosinality's closed_form_factorization.py (which skips to_rgbs, though it keeps
    // to_rgb1) for the full range.
    bool include_to_rgb = true;
    // genforce/sefa's normalisation: every row of A (one style channel's weights, a column of
    // its transposed matrix) scaled to unit length, so that wide layers do not dominate.
    // Off by default, as in rosinality's script and the SeFa paper's equations.
    bool unit_rows = false;
};

struct SefaResult {
    at::Tensor directions;   // [k, w_dim] float32 on the CPU, unit rows, strongest first
    at::Tensor eigenvalues;  // [k] float64, eigenvalues of A^T A, descending
    LayerRange range;
    int64_t stacked_rows = 0;  // rows of A (the sum of the stacked layers' input channels)
};

// A: the modulation weights [in_channels, w_dim] of every layer fed by the W+ layers in
// `range`, stacked into [sum of in_channels, w_dim] (float64, CPU). Both checkpoint layouts
// load into the same modules, so this reads either.
at::Tensor stacked_modulation_weights(nn::GeneratorImpl& g, const LayerRange& range,
                                      const SefaOptions& options = {});

// The top `k` directions of `range`. Each direction's sign is fixed so that its largest
// component is positive (eigenvectors have no sign of their own; this keeps runs stable).
// Throws std::invalid_argument for k outside 1..w_dim or a range outside the model.
SefaResult sefa(nn::GeneratorImpl& g, const LayerRange& range, int k,
                const SefaOptions& options = {});

// Flips each row of `directions` [k, d] so that its component of largest magnitude is
// positive (shared with the PCA, whose components have no sign either).
at::Tensor canonical_signs(const at::Tensor& directions);

}  // namespace ls::edit
