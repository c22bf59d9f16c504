// latent-studio-cli train gan and export, end to end: a tiny run writes a model the other
// commands load, refuses to overwrite its checkpoint, resumes, and exports a rosinality .pt
// that renders the same images.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_runner.h"
#include "io/npy.h"

namespace ls {
namespace {

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

}  // namespace
}  // namespace ls
