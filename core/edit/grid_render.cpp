#include "edit/grid_render.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <stdexcept>

#include "edit/edit_stack.h"
#include "edit/incremental_renderer.h"

namespace ls::edit {

at::Tensor render_edit_grid(nn::Generator generator, const GridRequest& r) {
    if (r.ranges.empty() || r.strengths.empty()) {
        throw std::invalid_argument("a grid needs at least one layer range and one strength");
    }
    torch::NoGradGuard no_grad;
    at::Tensor wplus = r.wplus.dim() == 2 ? r.wplus.unsqueeze(0) : r.wplus;
    if (wplus.dim() != 3 || wplus.size(0) != 1) {
        throw std::invalid_argument("the grid takes one W+ code [1, num_ws, w_dim]");
    }
    wplus = wplus.to(generator->latent_avg.device(), at::kFloat);
    IncrementalRenderer renderer(generator, r.noise);
    std::vector<at::Tensor> cells;
    for (const auto& range : r.ranges) {
        for (double s : r.strengths) {
            const EditStack stack = {Edit{r.direction, s, range, true}};
            cells.push_back(renderer.render(apply_edits(wplus, stack)).cpu());
        }
    }
    return at::cat(cells, 0);
}

}  // namespace ls::edit
