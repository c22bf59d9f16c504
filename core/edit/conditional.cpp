#include "edit/conditional.h"

#include <stdexcept>

namespace ls::edit {

namespace {

// Subtracts the components along the orthonormal `basis` twice: one pass of Gram-Schmidt
// loses orthogonality in proportion to the conditioning; the second restores it to rounding.
at::Tensor remove_components(at::Tensor v, const std::vector<at::Tensor>& basis) {
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto& q : basis) v = v - at::dot(v, q) * q;
    }
    return v;
}

}  // namespace

at::Tensor project_off(const at::Tensor& direction, const std::vector<at::Tensor>& conditions) {
    const at::Tensor d = direction.detach().to(at::kCPU, at::kDouble).flatten();
    std::vector<at::Tensor> basis;
    for (const auto& c : conditions) {
        const at::Tensor v = c.detach().to(at::kCPU, at::kDouble).flatten();
        if (v.numel() != d.numel()) {
            throw std::invalid_argument("a condition has " + std::to_string(v.numel()) +
                                        " values; the direction has " + std::to_string(d.numel()));
        }
        const double scale = v.norm().item<double>();
        const at::Tensor r = remove_components(v, basis);
        const double left = r.norm().item<double>();
        if (left > 1e-9 * scale) basis.push_back(r / left);  // else dependent: nothing new
    }
    const at::Tensor r = remove_components(d, basis);
    const double left = r.norm().item<double>(), before = d.norm().item<double>();
    if (!(left > 1e-6 * before)) {
        throw std::invalid_argument(
            "the direction lies in the span of the conditions: nothing is left after projection");
    }
    return (r / left).to(at::kFloat).reshape(direction.sizes());
}

}  // namespace ls::edit
