// Directions from files, conditional projection, PCA and pairs, against truths computed
// here (NumPy bytes made by hand, least squares, a known covariance).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "edit/conditional.h"
#include "edit/direction_file.h"
#include "edit/edit_stack.h"
#include "edit/ganspace.h"
#include "edit/pair_direction.h"
#include "edit/scores_csv.h"
#include "edit_support.h"
#include "io/npy.h"
#include "model/tensor_npy.h"

namespace ls::edit {
namespace {

namespace fs = std::filesystem;

// A .npy file as NumPy 1.x writes it: magic, version 1.0, a header dict padded with spaces
// to a multiple of 64 bytes and ending in a newline, then the raw little-endian data.
std::string numpy_bytes(const std::string& descr, const std::string& shape, const void* data,
                        size_t bytes) {
    std::string header =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    out += header;
    out.append(static_cast<const char*>(data), bytes);
    return out;
}

std::string temp_file(const std::string& name, const std::string& bytes) {
    const fs::path p =
        fs::temp_directory_path() / ("ls-edit-test-" + std::to_string(getpid()) + "-" + name);
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
}

GeneratorConfig config64() {
    GeneratorConfig c;
    c.resolution = 64;
    c.z_dim = c.w_dim = 64;
    return c;
}

TEST(DirectionFile, ParsesIndexSuffixes) {
    EXPECT_EQ(parse_direction_spec("dirs.npy:3").path, "dirs.npy");
    EXPECT_EQ(parse_direction_spec("dirs.npy:3").index, 3);
    EXPECT_FALSE(parse_direction_spec("dirs.npy").index.has_value());
    EXPECT_EQ(parse_direction_spec("a:b/dirs.npy").path, "a:b/dirs.npy");
    EXPECT_EQ(parse_direction_spec("dirs.npy:").path, "dirs.npy:");
}

TEST(DirectionFile, InterFaceGanBoundaryMovesTheCodeByStrengthTimesTheNormal) {
    // A float32 [1, 64] boundary as InterFaceGAN saves it (unit normal), in NumPy's bytes.
    at::manual_seed(3);
    at::Tensor n = at::randn({64}, at::kDouble);
    n = (n / n.norm()).to(at::kFloat);
    const std::string path =
        temp_file("boundary.npy", numpy_bytes("<f4", "(1, 64)", n.data_ptr(), 256));
    const at::Tensor loaded = load_direction(path, config64());
    fs::remove(path);
    ASSERT_EQ(loaded.sizes(), (std::vector<int64_t>{64}));
    EXPECT_LT((loaded - n).abs().max().item<double>(), 1e-7);

    const at::Tensor w = at::randn({2, 10, 64});
    const double s = 2.5;
    const at::Tensor edited = apply_edits(w, {Edit{loaded, s, {4, 7}, true}});
    for (int l = 0; l < 10; ++l) {
        const at::Tensor got = edited.select(1, l), before = w.select(1, l);
        if (l >= 4 && l <= 7) {
            // Exactly w + s * n, with the product and the sum rounded once each in float32.
            EXPECT_TRUE(at::equal(got, before + loaded * s)) << l;
            EXPECT_LT(((got - before) - loaded * s).abs().max().item<double>(), 1e-5) << l;
        } else {
            EXPECT_TRUE(at::equal(got, before)) << "layer " << l << " moved";
        }
    }
}

TEST(DirectionFile, Float64BoundariesAreScaledToUnitLength) {
    std::vector<double> v(64, 0.0);
    v[5] = 3.0;
    v[9] = 4.0;
    const std::string path = temp_file("f8.npy", numpy_bytes("<f8", "(64,)", v.data(), 512));
    const at::Tensor d = load_direction(path, config64());
    fs::remove(path);
    EXPECT_FLOAT_EQ(d[5].item<float>(), 0.6f);
    EXPECT_FLOAT_EQ(d[9].item<float>(), 0.8f);
}

TEST(DirectionFile, PerLayerAndSetsOfDirections) {
    const at::Tensor per_layer = at::randn({10, 64});
    EXPECT_TRUE(at::equal(select_direction(per_layer, std::nullopt, 10, 64, "x"), per_layer));
    const at::Tensor set = at::randn({5, 64});
    EXPECT_THROW(select_direction(set, std::nullopt, 10, 64, "x"), std::invalid_argument);
    const at::Tensor third = select_direction(set, 2, 10, 64, "x");
    EXPECT_LT((third - set[2] / set[2].norm()).abs().max().item<double>(), 1e-6);
    EXPECT_THROW(select_direction(set, 5, 10, 64, "x"), std::invalid_argument);
    const at::Tensor sets = at::randn({3, 10, 64});
    EXPECT_TRUE(at::equal(select_direction(sets, 1, 10, 64, "x"), sets[1]));
    EXPECT_THROW(select_direction(at::randn({63}), std::nullopt, 10, 64, "x"),
                 std::invalid_argument);
    EXPECT_THROW(select_direction(at::zeros({64}), std::nullopt, 10, 64, "x"),
                 std::invalid_argument);
    at::Tensor nan = at::randn({64});
    nan[3] = std::nan("");
    EXPECT_THROW(select_direction(nan, std::nullopt, 10, 64, "x"), std::invalid_argument);
}

TEST(DirectionFile, SavedDirectionsReadBackAsNumPyBoundaries) {
    const std::string path = temp_file("saved.npy", "");
    const at::Tensor d = at::randn({64});
    save_direction(path, d);
    const io::NpyArray a = io::read_npy(path);
    fs::remove(path);
    EXPECT_EQ(a.shape, (std::vector<int64_t>{1, 64}));
}

TEST(Conditional, ResultIsOrthogonalToEveryCondition) {
    at::manual_seed(11);
    const at::Tensor d = at::randn({64});
    std::vector<at::Tensor> conditions;
    for (int i = 0; i < 3; ++i) conditions.push_back(at::randn({64}) + 0.5 * d);  // correlated
    const at::Tensor r = project_off(d, conditions);
    EXPECT_NEAR(r.norm().item<double>(), 1.0, 1e-6);
    for (const auto& c : conditions) {
        EXPECT_LT(std::abs(at::dot(r, c / c.norm()).item<double>()), 1e-6);
    }
    // The same as the least-squares residual d - C (C^T C)^-1 C^T d, normalised.
    const at::Tensor c = at::stack(conditions, 1).to(at::kDouble);
    const at::Tensor dd = d.to(at::kDouble).unsqueeze(1);
    const at::Tensor coef = std::get<0>(at::linalg_lstsq(c, dd));
    at::Tensor residual = (dd - at::matmul(c, coef)).squeeze(1);
    residual = residual / residual.norm();
    EXPECT_LT((r.to(at::kDouble) - residual).abs().max().item<double>(), 1e-6);
}

TEST(Conditional, DependentConditionsAndDirectionsInTheirSpan) {
    const at::Tensor a = at::randn({16}), b = at::randn({16});
    const at::Tensor r = project_off(at::randn({16}), {a, b, a + 2 * b});
    EXPECT_LT(std::abs(at::dot(r, a / a.norm()).item<double>()), 1e-6);
    EXPECT_THROW(project_off(a - b, {a, b}), std::invalid_argument);
    EXPECT_THROW(project_off(a, {at::randn({8})}), std::invalid_argument);
}

TEST(Pca, RecoversThePrincipalAxisOfAKnownCovariance) {
    // Codes x = mean + Q diag(sigma) e: the covariance's eigenvectors are Q's columns.
    at::manual_seed(5);
    const int d = 16;
    const at::Tensor q = std::get<0>(at::linalg_qr(at::randn({d, d}, at::kDouble)));
    at::Tensor sigma = at::linspace(0.2, 1.0, d, at::kDouble);
    sigma[0] = 4.0;  // the principal axis: q[:, 0]
    sigma[1] = 2.0;
    const at::Tensor e = at::randn({40000, d}, at::kDouble);
    const at::Tensor x = at::matmul(e * sigma, q.t()) + 3.0;
    const PcaResult r = pca(x, 3);
    EXPECT_GT(std::abs(at::dot(r.components[0].to(at::kDouble), q.select(1, 0)).item<double>()),
              0.999);
    EXPECT_GT(std::abs(at::dot(r.components[1].to(at::kDouble), q.select(1, 1)).item<double>()),
              0.99);
    EXPECT_NEAR(r.stddev[0].item<double>(), 4.0, 0.1);
    EXPECT_NEAR(r.stddev[1].item<double>(), 2.0, 0.05);
    EXPECT_NEAR(r.mean.mean().item<double>(), 3.0, 0.05);
}

TEST(Pca, GanSpaceOnTheFixtureModel) {
    Model m = test::fixture_model("ada_tiny64.pkl");
    const PcaResult r = ganspace(*m.generator, 3000, 8, 1);
    ASSERT_EQ(r.components.sizes(), (std::vector<int64_t>{8, 64}));
    const at::Tensor gram = at::matmul(r.components, r.components.t());
    EXPECT_LT((gram - at::eye(8)).abs().max().item<double>(), 1e-5);
    for (int i = 1; i < 8; ++i)
        EXPECT_GE(r.stddev[i - 1].item<double>(), r.stddev[i].item<double>());
    // Same seed, same components.
    EXPECT_TRUE(at::equal(ganspace(*m.generator, 3000, 8, 1).components, r.components));
    EXPECT_THROW(ganspace(*m.generator, 1, 2, 1), std::invalid_argument);
}

TEST(Pair, DirectionTimesLengthTakesOneCodeToTheOther) {
    for (const auto& shape : {std::vector<int64_t>{1, 64}, std::vector<int64_t>{1, 10, 64},
                              std::vector<int64_t>{10, 64}}) {
        const at::Tensor a = at::randn(shape), b = at::randn(shape);
        const PairDirection p = direction_from_pair(a, b);
        EXPECT_NEAR(p.direction.norm().item<double>(), 1.0, 1e-6);
        const at::Tensor there = a.squeeze(0) + p.direction * p.length;
        EXPECT_LT((there - b.squeeze(0)).abs().max().item<double>(), 1e-5);
    }
    const at::Tensor a = at::randn({64});
    EXPECT_THROW(direction_from_pair(a, a.clone()), std::invalid_argument);
    EXPECT_THROW(direction_from_pair(a, at::randn({10, 64})), std::invalid_argument);
}

TEST(ScoresCsv, ColumnsHeadersAndErrors) {
    EXPECT_EQ(parse_scores_csv("1\n2.5\n\n-3e1\n", "", "s"), (std::vector<double>{1, 2.5, -30}));
    EXPECT_EQ(parse_scores_csv("smile\n0.1\n0.2\n", "", "s"), (std::vector<double>{0.1, 0.2}));
    EXPECT_EQ(parse_scores_csv("age, smile\n1, 0.5\n2, 0.7\n", "smile", "s"),
              (std::vector<double>{0.5, 0.7}));
    EXPECT_THROW(parse_scores_csv("age,smile\n1,2\n", "", "s"), std::invalid_argument);
    EXPECT_THROW(parse_scores_csv("age,smile\n1,2\n", "pose", "s"), std::invalid_argument);
    EXPECT_THROW(parse_scores_csv("1\n2\n", "smile", "s"), std::invalid_argument);
    EXPECT_THROW(parse_scores_csv("", "", "s"), std::invalid_argument);
    try {
        parse_scores_csv("a,b\n1,2\n3,x\n", "b", "scores.csv");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parse_scores_csv("1\nnan\n", "", "s"), std::invalid_argument);
}

}  // namespace
}  // namespace ls::edit
