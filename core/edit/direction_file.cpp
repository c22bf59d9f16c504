#include "edit/direction_file.h"

#include <cctype>
#include <sstream>
#include <stdexcept>

#include "io/npy.h"
#include "model/tensor_npy.h"

namespace ls::edit {

namespace {

std::string shape_of(const at::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

at::Tensor pick(const at::Tensor& array, int64_t index, const std::string& what) {
    if (index < 0 || index >= array.size(0)) {
        throw std::invalid_argument(what + " holds " + std::to_string(array.size(0)) +
                                    " directions; index " + std::to_string(index) +
                                    " is out of range");
    }
    return array[index];
}

}  // namespace

DirectionSpec parse_direction_spec(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 == text.size() || text.size() - colon > 10) {
        return {text, std::nullopt};
    }
    for (size_t i = colon + 1; i < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return {text, std::nullopt};
    }
    return {text.substr(0, colon), std::stoll(text.substr(colon + 1))};
}

at::Tensor select_direction(const at::Tensor& array, std::optional<int64_t> index, int num_ws,
                            int w_dim, const std::string& what) {
    at::Tensor d = array.to(at::kCPU, at::kFloat);
    const auto expected = "; expected [" + std::to_string(w_dim) + "], [1, " +
                          std::to_string(w_dim) + "], [" + std::to_string(num_ws) + ", " +
                          std::to_string(w_dim) + "] or a set [K, ...] with :INDEX";
    if (d.dim() == 0 || d.size(-1) != w_dim || d.dim() > 3) {
        throw std::invalid_argument(what + " has shape " + shape_of(d) + expected);
    }
    if (d.dim() == 3) {
        if (d.size(1) != num_ws)
            throw std::invalid_argument(what + " has shape " + shape_of(d) + expected);
        if (!index && d.size(0) != 1) {
            throw std::invalid_argument(what + " holds " + std::to_string(d.size(0)) +
                                        " per-layer directions: pick one with FILE.npy:INDEX");
        }
        d = pick(d, index.value_or(0), what);
    } else if (d.dim() == 2 && (index || d.size(0) == 1)) {
        d = pick(d, index.value_or(0), what);
    } else if (d.dim() == 2 && d.size(0) != num_ws) {
        throw std::invalid_argument(what + " holds " + std::to_string(d.size(0)) +
                                    " directions: pick one with FILE.npy:INDEX");
    } else if (d.dim() == 1 && index.value_or(0) != 0) {
        throw std::invalid_argument(what + " holds one direction; index " + std::to_string(*index) +
                                    " is out of range");
    }
    if (!at::isfinite(d).all().item<bool>()) {
        throw std::invalid_argument(what + " has non-finite values");
    }
    const double norm = d.norm().item<double>();
    if (norm == 0.0) throw std::invalid_argument(what + " is a zero direction");
    // A single vector is a boundary's normal: unit length, so that strength is distance.
    return d.dim() == 1 ? (d.to(at::kDouble) / norm).to(at::kFloat) : d.contiguous();
}

at::Tensor load_direction(const std::string& spec, const GeneratorConfig& config) {
    const DirectionSpec s = parse_direction_spec(spec);
    const at::Tensor array = npy_to_tensor(io::read_npy(s.path));
    return select_direction(array, s.index, config.num_ws(), config.w_dim, "'" + s.path + "'");
}

void save_direction(const std::string& path, const at::Tensor& direction) {
    at::Tensor d = direction.detach().to(at::kCPU, at::kFloat).contiguous();
    if (d.dim() == 1) d = d.unsqueeze(0);
    io::write_npy(path, tensor_to_npy(d));
}

}  // namespace ls::edit
