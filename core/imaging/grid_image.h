// A labelled grid of equally sized images: column labels above, row labels to the left.
#pragma once

#include <string>
#include <vector>

#include "imaging/rgb_image.h"

namespace ls {

// `cells` row by row (rows * columns of them, all the same size). Labels may be empty
// vectors; otherwise one per row / column. Throws std::invalid_argument for a count or size
// that does not match.
RgbImage labelled_grid(const std::vector<RgbImage>& cells, int rows, int columns,
                       const std::vector<std::string>& row_labels,
                       const std::vector<std::string>& column_labels);

}  // namespace ls
