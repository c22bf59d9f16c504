// latent-studio-cli directions / edit / grid, end to end, on the fixture models.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_runner.h"
#include "io/npy.h"
#include "model/tensor_npy.h"

namespace ls {
namespace {

namespace fs = std::filesystem;
using test::fixture;
using test::run_cli;
using test::TempDir;

const std::string kModel = "rosinality_tiny64.pt";

at::Tensor npy(const std::string& path) {
    return npy_to_tensor(io::read_npy(path));
}

void save(const std::string& path, const at::Tensor& t) {
    io::write_npy(path, tensor_to_npy(t.contiguous()));
}

// Width and height from a PNG's IHDR chunk.
std::pair<int, int> png_size(const std::string& path) {
    const std::string b = test::read_bytes(path);
    EXPECT_GE(b.size(), 24u);
    EXPECT_EQ(b.substr(1, 3), "PNG");
    auto be32 = [&](size_t at) {
        return (static_cast<unsigned char>(b[at]) << 24) |
               (static_cast<unsigned char>(b[at + 1]) << 16) |
               (static_cast<unsigned char>(b[at + 2]) << 8) | static_cast<unsigned char>(b[at + 3]);
    };
    return {be32(16), be32(20)};
}

// A failed run: exit 3, one line on stderr, and no output file.
void expect_bad_input(const test::CliResult& r, const std::string& out) {
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(test::count_lines(r.err), 1u) << r.err;
    EXPECT_FALSE(fs::exists(out)) << out;
}

TEST(CliDirections, SefaWritesUnitOrthogonalRowsStrongestFirst) {
    TempDir tmp;
    const auto r =
        run_cli({"directions", "sefa", "--model", fixture(kModel), "--layers", "coarse", "--top",
                 "6", "--out", tmp / "d.npy", "--eigenvalues-out", tmp / "ev.npy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const at::Tensor d = npy(tmp / "d.npy");
    ASSERT_EQ(d.sizes(), (std::vector<int64_t>{6, 64}));
    EXPECT_LT((at::matmul(d, d.t()) - at::eye(6)).abs().max().item<double>(), 1e-5);
    const at::Tensor ev = npy(tmp / "ev.npy");
    ASSERT_EQ(ev.sizes(), (std::vector<int64_t>{6}));
    for (int i = 1; i < 6; ++i) EXPECT_GE(ev[i - 1].item<double>(), ev[i].item<double>());
    EXPECT_NE(r.out.find("\"layers\":\"0-3\""), std::string::npos) << r.out;
    // The ada pickle and options.
    const auto a =
        run_cli({"directions", "sefa", "--model", fixture("ada_tiny64.pkl"), "--layers", "2-5",
                 "--top", "3", "--unit-rows", "--exclude-to-rgb", "--out", tmp / "a.npy"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(npy(tmp / "a.npy").sizes(), (std::vector<int64_t>{3, 64}));
}

TEST(CliDirections, SefaBadInputs) {
    TempDir tmp;
    expect_bad_input(run_cli({"directions", "sefa", "--model", fixture(kModel), "--layers", "0-99",
                              "--top", "3", "--out", tmp / "d.npy"}),
                     tmp / "d.npy");
    expect_bad_input(run_cli({"directions", "sefa", "--model", fixture(kModel), "--top", "65",
                              "--out", tmp / "d.npy"}),
                     tmp / "d.npy");
    expect_bad_input(run_cli({"directions", "sefa", "--model", tmp / "missing.pt", "--top", "3",
                              "--out", tmp / "d.npy"}),
                     tmp / "d.npy");
    expect_bad_input(run_cli({"directions", "sefa", "--model", fixture(kModel), "--top", "3",
                              "--out", tmp / "no-such-folder/d.npy"}),
                     tmp / "no-such-folder/d.npy");
    EXPECT_EQ(run_cli({"directions", "sefa", "--model", fixture(kModel)}).exit_code, 2);
    EXPECT_EQ(run_cli({"directions"}).exit_code, 2);
}

TEST(CliDirections, PcaWritesComponentsAndTheirScale) {
    TempDir tmp;
    const auto r = run_cli({"directions", "pca", "--model", fixture(kModel), "--samples", "2000",
                            "--top", "4", "--out", tmp / "p.npy", "--std-out", tmp / "s.npy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const at::Tensor p = npy(tmp / "p.npy"), s = npy(tmp / "s.npy");
    ASSERT_EQ(p.sizes(), (std::vector<int64_t>{4, 64}));
    EXPECT_LT((p.norm(2, {1}) - 1).abs().max().item<double>(), 1e-5);
    ASSERT_EQ(s.sizes(), (std::vector<int64_t>{4}));
    EXPECT_GT(s[0].item<double>(), 0);
    expect_bad_input(run_cli({"directions", "pca", "--model", fixture(kModel), "--top", "99",
                              "--samples", "100", "--out", tmp / "q.npy"}),
                     tmp / "q.npy");
}

TEST(CliDirections, BoundaryFromCodesAndScoresWithConditions) {
    TempDir tmp;
    at::manual_seed(4);
    at::Tensor normal = at::randn({64});
    normal /= normal.norm();
    const at::Tensor codes = at::randn({3000, 64});
    const at::Tensor scores = at::matmul(codes, normal);
    save(tmp / "codes.npy", codes);
    std::string csv = "age,smile\n";
    for (int i = 0; i < 3000; ++i) csv += "0," + std::to_string(scores[i].item<double>()) + "\n";
    test::write_bytes(tmp / "scores.csv", csv);
    auto r = run_cli({"directions", "boundary", "--codes", tmp / "codes.npy", "--scores",
                      tmp / "scores.csv", "--column", "smile", "--ratio", "0.1", "--out",
                      tmp / "b.npy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const at::Tensor b = npy(tmp / "b.npy");
    ASSERT_EQ(b.sizes(), (std::vector<int64_t>{1, 64}));
    EXPECT_GT(at::dot(b[0], normal).item<double>(), 0.95);
    // Conditioned on two other boundaries: orthogonal to both.
    at::Tensor other = at::randn({2, 64});
    save(tmp / "others.npy", other);
    r = run_cli({"directions", "boundary", "--codes", tmp / "codes.npy", "--scores",
                 tmp / "scores.csv", "--column", "smile", "--ratio", "0.1", "--condition",
                 tmp / "others.npy:0", "--condition", tmp / "others.npy:1", "--out",
                 tmp / "c.npy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const at::Tensor c = npy(tmp / "c.npy")[0];
    for (int i = 0; i < 2; ++i) {
        EXPECT_LT(std::abs(at::dot(c, other[i] / other[i].norm()).item<double>()), 1e-5);
    }
    // A CSV whose column holds text, and one with too few rows.
    test::write_bytes(tmp / "bad.csv", "smile\n1\nabc\n");
    expect_bad_input(run_cli({"directions", "boundary", "--codes", tmp / "codes.npy", "--scores",
                              tmp / "bad.csv", "--out", tmp / "x.npy"}),
                     tmp / "x.npy");
    test::write_bytes(tmp / "short.csv", "1\n2\n3\n");
    expect_bad_input(run_cli({"directions", "boundary", "--codes", tmp / "codes.npy", "--scores",
                              tmp / "short.csv", "--out", tmp / "x.npy"}),
                     tmp / "x.npy");
}

TEST(CliDirections, PairOfCodes) {
    TempDir tmp;
    const at::Tensor a = at::randn({1, 10, 64}), b = at::randn({1, 10, 64});
    save(tmp / "a.npy", a);
    save(tmp / "b.npy", b);
    const auto r = run_cli({"directions", "pair", "--from", tmp / "a.npy", "--to", tmp / "b.npy",
                            "--out", tmp / "d.npy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const at::Tensor d = npy(tmp / "d.npy");
    ASSERT_EQ(d.sizes(), (std::vector<int64_t>{10, 64}));
    const double length = (b - a).norm().item<double>();
    EXPECT_NE(r.out.find("\"length\":"), std::string::npos);
    // edit --strength LENGTH takes a to b.
    const auto e = run_cli({"edit", "--model", fixture(kModel), "--wplus", tmp / "a.npy",
                            "--direction", tmp / "d.npy", "--strength", std::to_string(length),
                            "--out-wplus", tmp / "there.npy"});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    EXPECT_LT((npy(tmp / "there.npy") - b).abs().max().item<double>(), 1e-4);
    save(tmp / "w.npy", at::randn({1, 64}));
    expect_bad_input(run_cli({"directions", "pair", "--from", tmp / "a.npy", "--to", tmp / "w.npy",
                              "--out", tmp / "x.npy"}),
                     tmp / "x.npy");
}

TEST(CliEdit, MovesOnlyTheChosenLayers) {
    TempDir tmp;
    at::Tensor n = at::randn({1, 64});
    n /= n.norm();
    save(tmp / "boundary.npy", n);
    const std::string wplus = fixture("rosinality_tiny64_cases/wplus.npy");
    const auto r = run_cli({"edit", "--model", fixture(kModel), "--wplus", wplus, "--direction",
                            tmp / "boundary.npy", "--strength", "-2", "--layers", "middle",
                            "--out-wplus", tmp / "e.npy", "--out", tmp / "e.png"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const at::Tensor before = npy(wplus), after = npy(tmp / "e.npy");
    ASSERT_EQ(after.sizes(), before.sizes());
    for (int l = 0; l < 10; ++l) {
        const at::Tensor moved = after.select(1, l) - before.select(1, l);
        if (l >= 4 && l <= 7) {
            EXPECT_LT((moved - n[0] * -2.0).abs().max().item<double>(), 1e-5) << l;
        } else {
            EXPECT_TRUE(at::equal(after.select(1, l), before.select(1, l))) << l;
        }
    }
    const auto [w, h] = png_size(tmp / "e.png");
    EXPECT_EQ(h, 64);
    EXPECT_GE(w, static_cast<int>(before.size(0)) * 64);
}

TEST(CliEdit, IndexedDirectionsAndStacks) {
    TempDir tmp;
    ASSERT_EQ(run_cli({"directions", "sefa", "--model", fixture(kModel), "--top", "3", "--out",
                       tmp / "d.npy"})
                  .exit_code,
              0);
    const std::string wplus = fixture("rosinality_tiny64_cases/wplus.npy");
    const auto r =
        run_cli({"edit", "--model", fixture(kModel), "--wplus", wplus, "--direction",
                 tmp / "d.npy:0", "--direction", tmp / "d.npy:2", "--strength", "1.5", "--strength",
                 "-1", "--layers", "0-3", "--layers", "fine", "--out-wplus", tmp / "e.npy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const at::Tensor d = npy(tmp / "d.npy"), before = npy(wplus), after = npy(tmp / "e.npy");
    const at::Tensor moved = after - before;
    EXPECT_LT((moved.select(1, 2) - d[0] * 1.5).abs().max().item<double>(), 1e-5);
    EXPECT_LT((moved.select(1, 9) - d[2] * -1.0).abs().max().item<double>(), 1e-5);
    EXPECT_TRUE(at::equal(after.select(1, 5), before.select(1, 5)));
    // Strength 0 writes the code back unchanged.
    ASSERT_EQ(run_cli({"edit", "--model", fixture(kModel), "--wplus", wplus, "--direction",
                       tmp / "d.npy:1", "--strength", "0", "--out-wplus", tmp / "same.npy"})
                  .exit_code,
              0);
    EXPECT_TRUE(at::equal(npy(tmp / "same.npy"), before));
}

TEST(CliEdit, BadInputs) {
    TempDir tmp;
    save(tmp / "set.npy", at::randn({3, 64}));
    save(tmp / "wrong.npy", at::randn({1, 8, 64}));
    const std::string wplus = fixture("rosinality_tiny64_cases/wplus.npy");
    auto edit = [&](const std::string& code, const std::string& dir, const std::string& layers) {
        return run_cli({"edit", "--model", fixture(kModel), "--wplus", code, "--direction", dir,
                        "--strength", "1", "--layers", layers, "--out-wplus", tmp / "o.npy",
                        "--out", tmp / "o.png"});
    };
    expect_bad_input(edit(wplus, tmp / "set.npy", "all"), tmp / "o.npy");    // which row?
    expect_bad_input(edit(wplus, tmp / "set.npy:3", "all"), tmp / "o.npy");  // no row 3
    expect_bad_input(edit(tmp / "wrong.npy", tmp / "set.npy:0", "all"), tmp / "o.npy");
    expect_bad_input(edit(wplus, tmp / "set.npy:0", "3-12"), tmp / "o.npy");
    expect_bad_input(edit(wplus, tmp / "missing.npy", "all"), tmp / "o.npy");
    EXPECT_FALSE(fs::exists(tmp / "o.png"));
    EXPECT_EQ(run_cli({"edit", "--model", fixture(kModel), "--wplus", wplus, "--direction",
                       tmp / "set.npy:0", "--strength", "1"})
                  .exit_code,
              2);  // nothing to write
}

TEST(CliGrid, LabelledGridOfRangesAndStrengths) {
    TempDir tmp;
    ASSERT_EQ(run_cli({"directions", "sefa", "--model", fixture(kModel), "--top", "2", "--out",
                       tmp / "d.npy"})
                  .exit_code,
              0);
    auto r = run_cli({"grid", "--model", fixture(kModel), "--seed", "3", "--direction",
                      tmp / "d.npy:0", "--out", tmp / "g.png"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto [w, h] = png_size(tmp / "g.png");
    EXPECT_GT(w, 5 * 64);  // 5 strengths plus the row labels
    EXPECT_GT(h, 3 * 64);  // coarse, middle, fine plus the column labels
    r = run_cli({"grid", "--model", fixture(kModel), "--wplus",
                 fixture("rosinality_tiny64_cases/wplus.npy"), "--direction", tmp / "d.npy:1",
                 "--ranges", "0-3,fine", "--strengths=-2,2", "--no-labels", "--out",
                 tmp / "h.png"});
    expect_bad_input(r, tmp / "h.png");  // the fixture's wplus holds several codes
    save(tmp / "one.npy", npy(fixture("rosinality_tiny64_cases/wplus.npy")).narrow(0, 0, 1));
    r = run_cli({"grid", "--model", fixture(kModel), "--wplus", tmp / "one.npy", "--direction",
                 tmp / "d.npy:1", "--ranges", "0-3,fine", "--strengths=-2,2", "--no-labels",
                 "--out", tmp / "h.png"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::tie(w, h) = png_size(tmp / "h.png");
    EXPECT_EQ(w, 2 * 64 + 2);
    EXPECT_EQ(h, 2 * 64 + 2);
    expect_bad_input(run_cli({"grid", "--model", fixture(kModel), "--seed", "3", "--direction",
                              tmp / "d.npy:0", "--ranges", "coarse,huge", "--out", tmp / "x.png"}),
                     tmp / "x.png");
    EXPECT_EQ(run_cli({"grid", "--model", fixture(kModel), "--direction", tmp / "d.npy:0", "--out",
                       tmp / "x.png"})
                  .exit_code,
              2);
}

}  // namespace
}  // namespace ls
