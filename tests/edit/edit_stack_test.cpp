// The edit stack: identity cases are bit-identical, edits commute, and the first changed
// layer is what a renderer may restart from.
#include <gtest/gtest.h>

#include <algorithm>

#include "edit/edit_stack.h"

namespace ls::edit {
namespace {

at::Tensor unit(int64_t d) {
    const at::Tensor v = at::randn({d});
    return v / v.norm();
}

TEST(EditStack, StrengthZeroEmptyAndDisabledAreTheIdentity) {
    const at::Tensor w = at::randn({2, 10, 16});
    EXPECT_TRUE(apply_edits(w, {}).is_same(w));
    EXPECT_TRUE(apply_edits(w, {Edit{unit(16), 0.0, {0, 9}, true}}).is_same(w));
    EXPECT_TRUE(apply_edits(w, {Edit{unit(16), 3.0, {0, 9}, false}}).is_same(w));
    // An active edit beside them: the identity ones add nothing.
    const Edit real{unit(16), 1.5, {2, 5}, true};
    const at::Tensor a = apply_edits(w, {real});
    const at::Tensor b = apply_edits(
        w, {Edit{unit(16), 0.0, {0, 9}, true}, real, Edit{unit(16), 9.0, {0, 9}, false}});
    EXPECT_TRUE(at::equal(a, b));
    EXPECT_TRUE(at::equal(w.clone(), w));  // the input is never modified
}

TEST(EditStack, EditsCommuteExactly) {
    at::manual_seed(1);
    std::vector<Edit> stack = {
        Edit{unit(16), 0.3, {0, 9}, true}, Edit{unit(16), -1.7, {2, 6}, true},
        Edit{at::randn({10, 16}), 0.9, {4, 9}, true}, Edit{unit(16), 2.2, {2, 6}, true}};
    const at::Tensor w = at::randn({10, 16});
    const at::Tensor reference = apply_edits(w, stack);
    std::sort(stack.begin(), stack.end(),
              [](const Edit& a, const Edit& b) { return a.strength < b.strength; });
    do {
        EXPECT_TRUE(at::equal(apply_edits(w, stack), reference));
    } while (std::next_permutation(stack.begin(), stack.end(), [](const Edit& a, const Edit& b) {
        return a.strength < b.strength;
    }));
    // And the sum is the sum: each edit on its own layers.
    at::Tensor expected = w.to(at::kDouble);
    for (const auto& e : stack) {
        const at::Tensor d = e.direction.to(at::kDouble);
        for (int l = e.range.first; l <= e.range.last; ++l) {
            expected[l] += e.strength * (d.dim() == 1 ? d : d[l]);
        }
    }
    EXPECT_LT((reference.to(at::kDouble) - expected).abs().max().item<double>(), 1e-5);
}

TEST(EditStack, PerLayerDirectionsUseTheirOwnRows) {
    const at::Tensor d = at::randn({10, 16});
    const at::Tensor w = at::zeros({10, 16});
    const at::Tensor out = apply_edits(w, {Edit{d, 2.0, {3, 4}, true}});
    EXPECT_TRUE(at::equal(out[3], d[3] * 2.0));
    EXPECT_TRUE(at::equal(out[4], d[4] * 2.0));
    EXPECT_TRUE(at::equal(out[5], w[5]));
}

TEST(EditStack, FirstChangedLayer) {
    const Edit smile{unit(16), 1.0, {4, 7}, true};
    Edit fine{unit(16), 1.0, {8, 9}, true};
    EXPECT_EQ(first_changed_layer({smile}, {smile}, 10, 16), 10);
    EXPECT_EQ(first_changed_layer({smile}, {smile, fine}, 10, 16), 8);
    Edit stronger = fine;
    stronger.strength = 2.0;
    EXPECT_EQ(first_changed_layer({smile, fine}, {smile, stronger}, 10, 16), 8);
    EXPECT_EQ(first_changed_layer({smile, fine}, {fine, smile}, 10, 16), 10);  // commuted
    EXPECT_EQ(first_changed_layer({}, {smile}, 10, 16), 4);
    Edit off = smile;
    off.enabled = false;
    EXPECT_EQ(first_changed_layer({}, {off}, 10, 16), 10);
}

TEST(EditStack, RejectsEditsThatDoNotFit) {
    const at::Tensor w = at::randn({10, 16});
    EXPECT_THROW(apply_edits(w, {Edit{unit(8), 1.0, {0, 9}, true}}), std::invalid_argument);
    EXPECT_THROW(apply_edits(w, {Edit{unit(16), 1.0, {0, 10}, true}}), std::invalid_argument);
    EXPECT_THROW(apply_edits(w, {Edit{at::randn({9, 16}), 1.0, {0, 3}, true}}),
                 std::invalid_argument);
}

}  // namespace
}  // namespace ls::edit
