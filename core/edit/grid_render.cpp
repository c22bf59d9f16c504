#include "edit/grid_render.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <stdexcept>

#include "edit/edit_stack.h"
#include "edit/incremental_renderer.h"

namespace ls::edit {

namespace {

// Cells rendered together: a batch amortises the per-call cost that dominates small models
// (measured: a 5-image strip of the 64 px model at batch 1 cost ~260 ms an image), and is
// kept to about 8 images of 256 px worth of activations so that 1024 px grids fit in memory.
int64_t cells_per_batch(int resolution) {
    return std::max<int64_t>(1, int64_t{8} * 256 * 256 / (int64_t{resolution} * resolution));
}

// State tensors of one image repeated for `n` images.
nn::SynthesisState repeated(const nn::SynthesisState& one, int64_t n) {
    nn::SynthesisState state = one;
    if (state.x.defined())
        state.x = state.x.expand({n, -1, -1, -1}).contiguous(one.x.suggest_memory_format());
    if (state.img.defined()) state.img = state.img.expand({n, -1, -1, -1}).contiguous();
    return state;
}

// Random noise is drawn per image and call: one cell at a time, so that a cell is the same
// image whichever batch it falls in.
at::Tensor render_one_by_one(nn::Generator generator, const at::Tensor& wplus,
                             const GridRequest& r) {
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

}  // namespace

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
    if (r.noise == nn::NoiseMode::Random) return render_one_by_one(generator, wplus, r);

    const int blocks = generator->config().num_blocks();
    const int64_t batch = cells_per_batch(generator->config().resolution);
    std::vector<at::Tensor> cells;
    for (const auto& range : r.ranges) {
        // The cells of a row differ only in the range's layers: the blocks before the first
        // one that reads them run once, on the unedited code, for the whole row.
        const nn::SynthesisState shared = generator->synthesis_blocks(
            wplus, {}, nn::GeneratorImpl::first_block_of_layer(range.first), r.noise);
        for (size_t from = 0; from < r.strengths.size(); from += size_t(batch)) {
            const size_t to = std::min(r.strengths.size(), from + size_t(batch));
            std::vector<at::Tensor> codes;
            for (size_t i = from; i < to; ++i)
                codes.push_back(
                    apply_edits(wplus, {Edit{r.direction, r.strengths[i], range, true}}));
            const at::Tensor batch_codes = at::cat(codes, 0);
            cells.push_back(generator
                                ->synthesis_blocks(batch_codes,
                                                   repeated(shared, batch_codes.size(0)), blocks,
                                                   r.noise)
                                .img.cpu());
        }
    }
    return at::cat(cells, 0);
}

}  // namespace ls::edit
