#include "edit/edit_stack.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <tuple>

namespace ls::edit {

namespace {

void check_edit(const Edit& e, int num_ws, int w_dim) {
    const auto& d = e.direction;
    const bool fits = (d.dim() == 1 && d.size(0) == w_dim) ||
                      (d.dim() == 2 && d.size(0) == num_ws && d.size(1) == w_dim);
    if (!fits) {
        throw std::invalid_argument("an edit's direction does not fit W+ [" +
                                    std::to_string(num_ws) + ", " + std::to_string(w_dim) + "]");
    }
    if (e.range.first < 0 || e.range.first > e.range.last || e.range.last >= num_ws) {
        throw std::invalid_argument("an edit's layer range " + e.range.to_string() +
                                    " is outside 0-" + std::to_string(num_ws - 1));
    }
}

// A total order on edits by their content, so that the sum does not depend on stack order.
bool content_less(const Edit& a, const Edit& b) {
    const auto ka = std::make_tuple(a.range.first, a.range.last, a.strength, a.direction.dim());
    const auto kb = std::make_tuple(b.range.first, b.range.last, b.strength, b.direction.dim());
    if (ka != kb) return ka < kb;
    const at::Tensor da = a.direction.to(at::kCPU, at::kFloat).contiguous();
    const at::Tensor db = b.direction.to(at::kCPU, at::kFloat).contiguous();
    return std::memcmp(da.data_ptr(), db.data_ptr(), da.nbytes()) < 0;
}

}  // namespace

EditDelta stack_delta(const EditStack& stack, int num_ws, int w_dim) {
    std::vector<Edit> active;
    for (const auto& e : stack) {
        if (!e.active()) continue;
        check_edit(e, num_ws, w_dim);
        active.push_back(e);
    }
    std::sort(active.begin(), active.end(), content_less);
    at::Tensor delta = at::zeros({num_ws, w_dim}, at::kDouble);
    EditDelta r;
    r.touched.assign(static_cast<size_t>(num_ws), false);
    for (const auto& e : active) {
        const at::Tensor d = e.direction.to(at::kCPU, at::kDouble);
        const int first = e.range.first, len = e.range.size();
        const at::Tensor rows = d.dim() == 1 ? d : d.narrow(0, first, len);
        delta.narrow(0, first, len).add_(rows * e.strength);
        for (int l = first; l <= e.range.last; ++l) r.touched[static_cast<size_t>(l)] = true;
    }
    r.delta = delta.to(at::kFloat);
    return r;
}

at::Tensor apply_edits(const at::Tensor& wplus, const EditStack& stack) {
    const bool any =
        std::any_of(stack.begin(), stack.end(), [](const Edit& e) { return e.active(); });
    if (!any) return wplus;
    if (wplus.dim() != 2 && wplus.dim() != 3) {
        throw std::invalid_argument("W+ must be [num_ws, w_dim] or [N, num_ws, w_dim]");
    }
    const auto num_ws = static_cast<int>(wplus.size(-2)), w_dim = static_cast<int>(wplus.size(-1));
    const EditDelta d = stack_delta(stack, num_ws, w_dim);
    const at::Tensor delta = d.delta.to(wplus.options());
    at::Tensor out = wplus.clone();
    // Add on each run of touched layers; the layers between runs keep their exact bits.
    for (int l = 0; l < num_ws;) {
        if (!d.touched[static_cast<size_t>(l)]) {
            ++l;
            continue;
        }
        int end = l;
        while (end < num_ws && d.touched[static_cast<size_t>(end)]) ++end;
        out.narrow(-2, l, end - l).add_(delta.narrow(0, l, end - l));
        l = end;
    }
    return out;
}

int first_changed_layer(const EditStack& a, const EditStack& b, int num_ws, int w_dim) {
    const EditDelta da = stack_delta(a, num_ws, w_dim), db = stack_delta(b, num_ws, w_dim);
    for (int l = 0; l < num_ws; ++l) {
        const auto i = static_cast<size_t>(l);
        if (da.touched[i] != db.touched[i]) return l;
        if (da.touched[i] && !at::equal(da.delta[l], db.delta[l])) return l;
    }
    return num_ws;
}

}  // namespace ls::edit
