#include "edit/direction_select.h"

#include <cmath>
#include <stdexcept>

namespace ls::edit {

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// Entry `index` of the first axis of `array` (its other axes kept).
io::NpyArray pick(const io::NpyArray& array, int64_t index, const std::string& what) {
    if (index < 0 || index >= array.shape[0]) {
        throw std::invalid_argument(what + " holds " + std::to_string(array.shape[0]) +
                                    " directions; index " + std::to_string(index) +
                                    " is out of range");
    }
    io::NpyArray one;
    one.shape.assign(array.shape.begin() + 1, array.shape.end());
    const size_t size = array.data.size() / size_t(array.shape[0]);
    one.data.assign(array.data.begin() + index * int64_t(size),
                    array.data.begin() + (index + 1) * int64_t(size));
    return one;
}

}  // namespace

bool is_direction_set(const io::NpyArray& array, int num_ws) {
    const std::vector<int64_t>& shape = array.shape;
    if (shape.size() == 3) return true;
    return shape.size() == 2 && shape[0] != 1 && shape[0] != num_ws;
}

io::NpyArray select_direction(const io::NpyArray& array, std::optional<int64_t> index, int num_ws,
                              int w_dim, const std::string& what) {
    const std::vector<int64_t>& shape = array.shape;
    const int64_t dims = static_cast<int64_t>(shape.size());
    const auto expected = "; expected [" + std::to_string(w_dim) + "], [1, " +
                          std::to_string(w_dim) + "], [" + std::to_string(num_ws) + ", " +
                          std::to_string(w_dim) + "] or a set [K, ...] with :INDEX";
    if (dims == 0 || shape.back() != w_dim || dims > 3) {
        throw std::invalid_argument(what + " has shape " + shape_text(shape) + expected);
    }
    if (dims == 3 && shape[1] != num_ws)
        throw std::invalid_argument(what + " has shape " + shape_text(shape) + expected);
    if (!index && shape[0] != 1 && is_direction_set(array, num_ws)) {
        throw std::invalid_argument(what + " holds " + std::to_string(shape[0]) +
                                    (dims == 3 ? " per-layer directions" : " directions") +
                                    ": pick one with FILE.npy:INDEX");
    }
    io::NpyArray d = array;
    if (dims == 3 || (dims == 2 && (index || shape[0] == 1))) {
        d = pick(array, index.value_or(0), what);
    } else if (dims == 1 && index.value_or(0) != 0) {
        throw std::invalid_argument(what + " holds one direction; index " + std::to_string(*index) +
                                    " is out of range");
    }
    double norm = 0;
    for (float v : d.data) {
        if (!std::isfinite(v)) throw std::invalid_argument(what + " has non-finite values");
        norm += double(v) * double(v);
    }
    norm = std::sqrt(norm);
    if (norm == 0.0) throw std::invalid_argument(what + " is a zero direction");
    // A single vector is a boundary's normal: unit length, so that strength is distance.
    if (d.shape.size() == 1) {
        for (float& v : d.data) v = static_cast<float>(double(v) / norm);
    }
    return d;
}

}  // namespace ls::edit
