// The comparison grid: every cell is the full render of its edit, the strength-0 column is the
// unedited image, and the labelled picture has the expected layout.
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "edit/edit_stack.h"
#include "edit/grid_render.h"
#include "edit_support.h"
#include "imaging/grid_image.h"
#include "model/tensor_npy.h"
#include "test_support.h"

namespace ls::edit {
namespace {

TEST(Grid, CellsAreTheRendersOfEachEdit) {
    Model m = test::fixture_model("rosinality_tiny64.pt");
    auto& g = *m.generator;
    torch::NoGradGuard no_grad;
    GridRequest req;
    req.wplus = test::load_npy("rosinality_tiny64_cases/wplus.npy").narrow(0, 0, 1);
    at::manual_seed(2);
    req.direction = at::randn({64});
    req.direction /= req.direction.norm();
    for (const char* p : {"coarse", "middle", "fine"})
        req.ranges.push_back(preset_range(g.config(), p));
    req.strengths = {-3, 0, 3};
    const at::Tensor cells = render_edit_grid(m.generator, req);
    ASSERT_EQ(cells.sizes(), (std::vector<int64_t>{9, 3, 64, 64}));
    const at::Tensor plain = g.synthesis(req.wplus);
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            const at::Tensor w = apply_edits(
                req.wplus, {Edit{req.direction, req.strengths[c], req.ranges[r], true}});
            const at::Tensor full = g.synthesis(w);
            EXPECT_LE((cells[r * 3 + c] - full[0]).abs().max().item<double>(), 1e-5)
                << r << "," << c;
        }
        EXPECT_LE((cells[r * 3 + 1] - plain[0]).abs().max().item<double>(), 1e-5);
    }
    EXPECT_THROW(render_edit_grid(m.generator, GridRequest{req.wplus, req.direction, {}, {1.0}}),
                 std::invalid_argument);
}

TEST(Grid, LabelledPictureLayout) {
    std::vector<RgbImage> cells(6);
    for (size_t i = 0; i < cells.size(); ++i) {
        cells[i].width = cells[i].height = 64;
        cells[i].pixels.assign(64 * 64 * 3, static_cast<uint8_t>(20 * i));
    }
    const RgbImage plain = labelled_grid(cells, 2, 3, {}, {});
    EXPECT_EQ(plain.width, 3 * 64 + 2 * 2);
    EXPECT_EQ(plain.height, 2 * 64 + 2);
    EXPECT_EQ(plain.pixels[0], 0);                             // cell 0's first pixel
    EXPECT_EQ(plain.pixels[(66 * plain.width + 66) * 3], 80);  // row 1, column 1: cell 4
    const RgbImage labelled =
        labelled_grid(cells, 2, 3, {"coarse 0-3", "fine 8-9"}, {"-3", "0", "+3"});
    EXPECT_GT(labelled.width, plain.width);
    EXPECT_GT(labelled.height, plain.height);
    // Some ink went into the margins (the labels were drawn).
    int dark = 0;
    for (int y = 0; y < labelled.height - plain.height; ++y) {
        for (int x = 0; x < labelled.width; ++x)
            dark += labelled.pixels[(y * labelled.width + x) * 3] < 128;
    }
    EXPECT_GT(dark, 10);
    EXPECT_THROW(labelled_grid(cells, 2, 2, {}, {}), std::invalid_argument);
    EXPECT_THROW(labelled_grid(cells, 2, 3, {"one"}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace ls::edit
