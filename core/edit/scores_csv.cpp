#include "edit/scores_csv.h"

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "io/npy.h"

namespace ls::edit {

namespace {

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t\r\"");
    if (a == std::string::npos) return "";
    const auto b = s.find_last_not_of(" \t\r\"");
    return s.substr(a, b - a + 1);
}

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> fields;
    std::stringstream s(line);
    std::string f;
    while (std::getline(s, f, ',')) fields.push_back(trim(f));
    if (!line.empty() && line.back() == ',') fields.push_back("");
    return fields;
}

bool parse_number(const std::string& s, double* out) {
    if (s.empty()) return false;
    char* end = nullptr;
    *out = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() && std::isfinite(*out);
}

bool is_header(const std::vector<std::string>& fields) {
    double v = 0;
    for (const auto& f : fields) {
        if (!parse_number(f, &v)) return true;
    }
    return false;
}

}  // namespace

std::vector<double> parse_scores_csv(const std::string& text, const std::string& column,
                                     const std::string& what) {
    std::stringstream in(text);
    std::string line;
    std::vector<double> scores;
    int line_no = 0, col = -1;
    size_t width = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (trim(line).empty()) continue;
        const auto fields = split(line);
        if (col < 0) {  // the first line decides the layout
            width = fields.size();
            const bool header = is_header(fields);
            if (!column.empty()) {
                if (!header)
                    throw std::invalid_argument(what + " has no header to find column '" + column +
                                                "' in");
                for (size_t i = 0; i < fields.size(); ++i) {
                    if (fields[i] == column) col = static_cast<int>(i);
                }
                if (col < 0) throw std::invalid_argument(what + " has no column '" + column + "'");
            } else if (width != 1) {
                throw std::invalid_argument(what + " has " + std::to_string(width) +
                                            " columns: choose one with --column NAME");
            } else {
                col = 0;
            }
            if (header) continue;
        }
        double v = 0;
        if (fields.size() != width || !parse_number(fields[static_cast<size_t>(col)], &v)) {
            throw std::invalid_argument(what + " line " + std::to_string(line_no) +
                                        ": not a finite number in the score column");
        }
        scores.push_back(v);
    }
    if (scores.empty()) throw std::invalid_argument(what + " holds no scores");
    return scores;
}

std::vector<double> read_scores_csv(const std::string& path, const std::string& column) {
    const auto bytes = io::read_file_bytes(path, 1ull << 30);
    return parse_scores_csv(std::string(bytes.begin(), bytes.end()), column, "'" + path + "'");
}

}  // namespace ls::edit
