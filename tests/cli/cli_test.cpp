// latent-studio-cli as DESIGN.md's command-line contract describes it, on the fixtures.
#include <gtest/gtest.h>

#include "cli_runner.h"
#include "io/npy.h"
#include "model/tensor_npy.h"

namespace ls {
namespace {

using test::fixture;
using test::run_cli;
using test::TempDir;

at::Tensor npy(const std::string& path) {
    return npy_to_tensor(io::read_npy(path));
}

void expect_matches(const at::Tensor& a, const at::Tensor& e) {
    ASSERT_EQ(a.sizes(), e.sizes());
    const at::Tensor d = (a - e).abs();
    EXPECT_LE(d.max().item<double>(), 2e-3);
    EXPECT_LE(d.mean().item<double>(), 1e-4);
}

TEST(Cli, InfoDescribesBothFormats) {
    auto r = run_cli({"info", fixture("rosinality_tiny64.pt")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"format\": \"rosinality-pt\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"resolution\": 64"), std::string::npos);
    EXPECT_NE(r.out.find("\"num_ws\": 10"), std::string::npos);
    r = run_cli({"info", "--model", fixture("ada_tiny64.pkl")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"format\": \"stylegan2-ada-pkl\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"conv_clamp\": 256"), std::string::npos);
}

TEST(Cli, GenerateFromZReproducesTheReference) {
    TempDir tmp;
    for (const std::string model : {"rosinality_tiny64_legacy.pt", "ada_tiny64.pkl"}) {
        const std::string cases =
            model.rfind("ada", 0) == 0 ? "ada_tiny64_cases/" : "rosinality_tiny64_cases/";
        const auto r =
            run_cli({"generate", "--model", fixture(model), "--z", fixture(cases + "z.npy"),
                     "--out-npy", tmp / "img.npy", "--out", tmp / "grid.png", "--device", "cpu"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        expect_matches(npy(tmp / "img.npy"), npy(fixture(cases + "image_from_z.npy")));
        EXPECT_EQ(test::read_bytes(tmp / "grid.png").substr(1, 3), "PNG");
    }
}

TEST(Cli, GenerateFromWPlusWithTruncationAndNoiseModes) {
    TempDir tmp;
    auto r = run_cli({"generate", "--model", fixture("ada_tiny64.pkl"), "--wplus",
                      fixture("ada_tiny64_cases/wplus.npy"), "--out-npy", tmp / "wp.npy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_matches(npy(tmp / "wp.npy"), npy(fixture("ada_tiny64_cases/image_from_wplus.npy")));
    r = run_cli({"generate", "--model", fixture("ada_tiny64.pkl"), "--z",
                 fixture("ada_tiny64_cases/z.npy"), "--truncation", "0.7", "--out-npy",
                 tmp / "t.npy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_matches(npy(tmp / "t.npy"), npy(fixture("ada_tiny64_cases/image_truncated_0.7.npy")));
    r = run_cli({"generate", "--model", fixture("ada_tiny64.pkl"), "--z",
                 fixture("ada_tiny64_cases/z.npy"), "--noise", "none", "--out-npy", tmp / "n.npy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_matches(npy(tmp / "n.npy"), npy(fixture("ada_tiny64_cases/image_noise_none.npy")));
}

TEST(Cli, GenerateFromSeedsWritesImages) {
    TempDir tmp;
    auto r = run_cli({"generate", "--model", fixture("rosinality_tiny64.pt"), "--seed", "1",
                      "--out", tmp / "a.png"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(test::read_bytes(tmp / "a.png").substr(1, 3), "PNG");
    r = run_cli({"generate", "--model", fixture("rosinality_tiny64.pt"), "--seed", "3", "--count",
                 "3", "--out", tmp / "dir"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* name : {"seed0003.png", "seed0004.png", "seed0005.png"}) {
        EXPECT_TRUE(std::filesystem::exists(tmp.path() / "dir" / name)) << name;
    }
    // The same seed gives the same image; another seed another image.
    run_cli({"generate", "--model", fixture("rosinality_tiny64.pt"), "--seed", "3", "--out-npy",
             tmp / "s3.npy"});
    run_cli({"generate", "--model", fixture("rosinality_tiny64.pt"), "--seed", "3", "--out-npy",
             tmp / "s3b.npy"});
    run_cli({"generate", "--model", fixture("rosinality_tiny64.pt"), "--seed", "4", "--out-npy",
             tmp / "s4.npy"});
    EXPECT_TRUE(at::equal(npy(tmp / "s3.npy"), npy(tmp / "s3b.npy")));
    EXPECT_FALSE(at::allclose(npy(tmp / "s3.npy"), npy(tmp / "s4.npy")));
}

TEST(Cli, DiscriminateReproducesTheReference) {
    TempDir tmp;
    for (const std::string model : {"rosinality_tiny64.pt", "ada_tiny64.pkl"}) {
        const std::string cases =
            model.rfind("ada", 0) == 0 ? "ada_tiny64_cases/" : "rosinality_tiny64_cases/";
        const auto r = run_cli({"discriminate", "--model", fixture(model), "--images",
                                fixture(cases + "image_from_z.npy"), "--out-npy", tmp / "d.npy"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        expect_matches(npy(tmp / "d.npy"),
                       npy(fixture(cases + "discriminator_logits_of_image_from_z.npy")));
    }
}

TEST(Cli, UsageErrorsExitWith2) {
    EXPECT_EQ(run_cli({}).exit_code, 2);
    EXPECT_EQ(
        run_cli({"generate", "--model", fixture("ada_tiny64.pkl"), "--out", "x.png"}).exit_code, 2);
    EXPECT_EQ(run_cli({"generate", "--seed", "1", "--z", fixture("ada_tiny64_cases/z.npy"), "--out",
                       "x.png"})
                  .exit_code,
              2);
    EXPECT_EQ(run_cli({"frobnicate"}).exit_code, 2);
}

}  // namespace
}  // namespace ls
