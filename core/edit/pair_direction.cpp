#include "edit/pair_direction.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ls::edit {

namespace {

// Drops a leading batch dimension of 1: NumPy codes are often saved as [1, ...].
at::Tensor one_code(const at::Tensor& t) {
    at::Tensor c = t.detach().to(at::kCPU, at::kDouble);
    if (c.dim() >= 2 && c.size(0) == 1) c = c.squeeze(0);
    if (c.dim() < 1 || c.dim() > 2) {
        std::ostringstream s;
        s << "a code of shape " << t.sizes() << " is neither w [w_dim] nor W+ [num_ws, w_dim]";
        throw std::invalid_argument(s.str());
    }
    return c;
}

}  // namespace

PairDirection direction_from_pair(const at::Tensor& from, const at::Tensor& to) {
    const at::Tensor a = one_code(from), b = one_code(to);
    if (a.sizes() != b.sizes()) {
        std::ostringstream s;
        s << "the two codes differ in shape: " << a.sizes() << " and " << b.sizes();
        throw std::invalid_argument(s.str());
    }
    const at::Tensor diff = b - a;
    PairDirection r;
    r.length = diff.norm().item<double>();
    if (!std::isfinite(r.length)) throw std::invalid_argument("a code has non-finite values");
    if (!(r.length > 0)) throw std::invalid_argument("the two codes are identical");
    r.direction = (diff / r.length).to(at::kFloat).contiguous();
    return r;
}

}  // namespace ls::edit
