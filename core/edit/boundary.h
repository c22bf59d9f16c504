// InterFaceGAN (Shen et al.): an attribute's boundary is the normal of a linear SVM that
// separates the codes with the highest scores from those with the lowest.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace ls::edit {

struct BoundaryOptions {
    // The fraction (0 < ratio <= 1) or, above 1, the number of codes taken from each end of
    // the score ranking, at most half the codes: InterFaceGAN's chosen_num_or_ratio.
    double ratio = 0.02;
    // The share of the chosen codes that trains the SVM; the rest measures it.
    double split = 0.7;
    double c = 1.0;     // the SVM's regularisation constant
    uint64_t seed = 0;  // the shuffle before the split
};

struct BoundaryResult {
    at::Tensor normal;  // [w_dim] float32, unit length, pointing to higher scores
    double bias = 0;    // of the unit normal: w . normal + bias > 0 on the high side
    int64_t chosen_per_side = 0, train_count = 0, validation_count = 0;
    double train_accuracy = 0, validation_accuracy = 0;  // validation 0 when none is held out
};

// Trains an L2-regularised, squared-hinge linear SVM (liblinear's L2R_L2LOSS_SVC_DUAL with a
// bias, as scikit-learn's LinearSVC) on `codes` [N, w_dim] and their `scores` [N].
// Throws std::invalid_argument for mismatched sizes or too few codes.
BoundaryResult train_boundary(const at::Tensor& codes, const std::vector<double>& scores,
                              const BoundaryOptions& options = {});

}  // namespace ls::edit
