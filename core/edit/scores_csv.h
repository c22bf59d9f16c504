// Attribute scores for InterFaceGAN training, from a CSV file: one number per code, in one
// column, or in the column named by a header line.
#pragma once

#include <string>
#include <vector>

namespace ls::edit {

// Reads `path`: comma-separated, an optional header line (any non-numeric field in the first
// line makes it one), blank lines skipped. With several columns `column` names the one to
// use; with one column it may stay empty. Throws std::invalid_argument with the line number
// for a missing column, a short row or a field that is not a finite number.
std::vector<double> read_scores_csv(const std::string& path, const std::string& column = "");

// The same, from text already in memory (`what` names it in errors).
std::vector<double> parse_scores_csv(const std::string& text, const std::string& column,
                                     const std::string& what);

}  // namespace ls::edit
