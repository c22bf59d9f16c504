// latent-studio-cli train gan, export and boundaries, end to end: a tiny run writes a model the
// other commands load, refuses to overwrite its checkpoint, resumes, and exports a rosinality
// .pt that renders the same images.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "io/npy.h"

namespace ls {
namespace {

using test::read_bytes;
using test::run_cli;
using test::TempDir;

const std::vector<std::string> kTiny = {
    "train",   "gan", "--resolution", "16", "--channel-max",    "16",
    "--z-dim", "16",  "--w-dim",      "16", "--mapping-layers", "2",
    "--batch", "4",   "--iterations", "2",  "--sample-every",   "0"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

TEST(CliTrain, TinyRunResumesAndExportsARosinalityCheckpoint) {
    TempDir dir;
    const std::string out = dir / "run";
    auto r = run_cli(with(kTiny, {"--out", out}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("iter 2"), std::string::npos) << "a progress line: " << r.err;
    const std::string model = out + "/model.safetensors";
    ASSERT_TRUE(std::filesystem::exists(model));
    ASSERT_TRUE(std::filesystem::exists(out + "/training-log.jsonl"));

    r = run_cli(with(kTiny, {"--out", out}));
    EXPECT_EQ(r.exit_code, 3) << "an existing checkpoint is not overwritten unasked";
    EXPECT_NE(r.err.find("--resume"), std::string::npos) << r.err;

    r = run_cli({"train", "gan", "--resume", out + "/checkpoint.safetensors", "--iterations", "1",
                 "--sample-every", "0", "--out", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("after 3 iterations"), std::string::npos) << r.err;

    const std::string pt = dir / "exported.pt";
    r = run_cli({"export", "--model", model, "--out", pt});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_cli({"info", "--model", pt});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("rosinality-pt"), std::string::npos) << r.out;
    for (const auto& [m, name] : {std::pair{model, "a.npy"}, std::pair{pt, "b.npy"}}) {
        r = run_cli({"generate", "--model", m, "--seed", "1..3", "--out-npy", dir / name});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    EXPECT_EQ(io::read_npy(dir / "a.npy").data, io::read_npy(dir / "b.npy").data)
        << "the exported checkpoint renders the same images";
}

// train boundaries --method gradient-specific on a tiny generator and classifier: one unit
// direction per attribute, made for the layers asked for, and clear refusals.
TEST(CliTrain, GradientSpecificBoundariesForALayerRange) {
    TempDir dir;
    auto r = run_cli(with(kTiny, {"--out", dir / "run"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string model = dir / "run/model.safetensors";
    const std::string classifier = dir / "classifier.safetensors";
    r = run_cli({"train", "classifier", "--resolution", "16", "--channel-max", "8", "--batch", "4",
                 "--iterations", "2", "--eval-count", "100", "--out", classifier});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::vector<std::string> boundaries = {"train",        "boundaries", "--model", model,
                                                 "--classifier", classifier,   "--count", "100"};

    r = run_cli(with(boundaries, {"--method", "gradient-specific", "--layers", "1-4", "--out-dir",
                                  dir / "dirs"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto report = nlohmann::json::parse(read_bytes(dir / "dirs/boundaries.json"));
    EXPECT_EQ(report["method"], "gradient-specific");
    ASSERT_EQ(report["boundaries"].size(), 16u) << "one per attribute the classifier scores";
    for (const auto& b : report["boundaries"]) {
        EXPECT_EQ(b["layers"], nlohmann::json::array({1, 4})) << b.dump();
        EXPECT_GT(b["scale"].get<double>(), 0.0) << b.dump();
        const io::NpyArray d = io::read_npy(dir / ("dirs/" + b["file"].get<std::string>()));
        ASSERT_EQ(d.shape, std::vector<int64_t>{16}) << b.dump();
        double norm = 0;
        for (float v : d.data) norm += double(v) * v;
        EXPECT_NEAR(norm, 1.0, 1e-4) << b.dump();
    }

    r = run_cli(with(boundaries, {"--layers", "1-4", "--out-dir", dir / "svm"}));
    EXPECT_EQ(r.exit_code, 2) << "an SVM boundary moves every layer";
    EXPECT_NE(r.err.find("--layers"), std::string::npos) << r.err;
    r = run_cli(
        with(boundaries, {"--method", "gradient", "--layers", "3-12", "--out-dir", dir / "bad"}));
    EXPECT_NE(r.exit_code, 0) << "the tiny model has 6 layers";
    EXPECT_NE(r.err.find("3-12"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "bad")) << "nothing is written";
}

}  // namespace
}  // namespace ls
