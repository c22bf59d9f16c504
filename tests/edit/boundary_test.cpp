// InterFaceGAN boundaries trained with liblinear on data whose true boundary is known.
#include <gtest/gtest.h>

#include "edit/boundary.h"

namespace ls::edit {
namespace {

struct Synthetic {
    at::Tensor codes, normal;
    std::vector<double> scores;
};

// Codes with a known hyperplane: the score is the signed distance to it (plus a little noise),
// so the codes at both ends of the ranking are separated by that hyperplane.
Synthetic synthetic(int64_t n, int64_t d, double noise, uint64_t seed) {
    at::manual_seed(seed);
    Synthetic s;
    s.normal = at::randn({d}, at::kDouble);
    s.normal = s.normal / s.normal.norm();
    s.codes = at::randn({n, d}, at::kDouble) * 0.7 + 0.3;
    const at::Tensor score = at::matmul(s.codes, s.normal) + noise * at::randn({n}, at::kDouble);
    s.scores.assign(score.data_ptr<double>(), score.data_ptr<double>() + n);
    return s;
}

TEST(Boundary, RecoversTheNormalOfSeparableData) {
    const Synthetic s = synthetic(10000, 32, 0.05, 1);
    BoundaryOptions o;
    o.ratio = 0.05;
    const BoundaryResult r = train_boundary(s.codes.to(at::kFloat), s.scores, o);
    const double cosine = at::dot(r.normal.to(at::kDouble), s.normal).item<double>();
    EXPECT_GT(cosine, 0.95);
    EXPECT_NEAR(r.normal.norm().item<double>(), 1.0, 1e-6);
    EXPECT_EQ(r.chosen_per_side, 500);
    EXPECT_EQ(r.train_count, 700);
    EXPECT_EQ(r.validation_count, 300);
    EXPECT_GE(r.train_accuracy, 0.99);
    EXPECT_GE(r.validation_accuracy, 0.97);
}

TEST(Boundary, PointsTowardsHigherScoresWhateverTheirScale) {
    Synthetic s = synthetic(4000, 16, 0.0, 2);
    for (auto& v : s.scores) v = -1000.0 * v;  // reversed: the normal must flip
    BoundaryOptions o;
    o.ratio = 0.1;
    o.split = 1.0;
    const BoundaryResult r = train_boundary(s.codes, s.scores, o);
    EXPECT_LT(at::dot(r.normal.to(at::kDouble), s.normal).item<double>(), -0.95);
    EXPECT_EQ(r.validation_count, 0);
}

TEST(Boundary, InterFaceGansChosenCount) {
    const Synthetic s = synthetic(1000, 8, 0.0, 3);
    BoundaryOptions o;
    o.ratio = 30;  // above 1: a count per side
    EXPECT_EQ(train_boundary(s.codes, s.scores, o).chosen_per_side, 30);
    o.ratio = 5000;  // at most half the codes
    EXPECT_EQ(train_boundary(s.codes, s.scores, o).chosen_per_side, 500);
}

TEST(Boundary, RejectsTooFewOrMismatchedInputs) {
    const Synthetic s = synthetic(50, 8, 0.0, 4);
    EXPECT_THROW(train_boundary(s.codes, s.scores), std::invalid_argument);  // 2% of 50 = 1
    std::vector<double> short_scores(s.scores.begin(), s.scores.end() - 1);
    BoundaryOptions o;
    o.ratio = 0.2;
    EXPECT_THROW(train_boundary(s.codes, short_scores, o), std::invalid_argument);
    o.ratio = -1;
    EXPECT_THROW(train_boundary(s.codes, s.scores, o), std::invalid_argument);
    EXPECT_THROW(train_boundary(at::randn({50}), s.scores), std::invalid_argument);
}

}  // namespace
}  // namespace ls::edit
