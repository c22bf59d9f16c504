// The StyleGAN2 trainer on a tiny configuration: finite losses, moving weights, a resumed run
// bit-for-bit equal to one that never stopped, and its model files loaded by the engine.
#include "train/gan_trainer.h"

#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <filesystem>
#include <fstream>

#include "model/model.h"
#include "model/model_file.h"

namespace fs = std::filesystem;

namespace ls::train {
namespace {

GeneratorConfig tiny_g() {
    GeneratorConfig g;
    g.resolution = 16;
    g.z_dim = g.w_dim = 16;
    g.mapping_layers = 2;
    g.channels = {{4, 16}, {8, 16}, {16, 8}};
    return g;
}

DiscriminatorConfig tiny_d() {
    DiscriminatorConfig d;
    d.resolution = 16;
    d.channels = {{4, 16}, {8, 16}, {16, 8}};
    return d;
}

GanOptions tiny_options() {
    GanOptions o;
    o.batch = 4;
    o.r1_interval = 2;  // R1 runs within the few steps of a test
    o.seed = 5;
    return o;
}

fs::path temp_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("ls_train_test_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void expect_same_module(torch::nn::Module& a, torch::nn::Module& b, const std::string& what) {
    auto pb = b.named_parameters(true);
    for (const auto& p : a.named_parameters(true)) {
        EXPECT_TRUE(at::equal(p.value(), pb[p.key()])) << what << ": " << p.key() << " differs";
    }
    auto bb = b.named_buffers(true);
    for (const auto& x : a.named_buffers(true)) {
        EXPECT_TRUE(at::equal(x.value(), bb[x.key()])) << what << ": buffer " << x.key();
    }
}

TEST(GanTrainer, LossesAreFiniteAndTheNetworksLearn) {
    auto source = portrait_source(16);
    GanTrainer t(tiny_g(), tiny_d(), tiny_options(), *source, at::kCPU);
    const at::Tensor before = t.generator_ema().to_rgbs[0]->named_parameters()[0].value().clone();
    for (int i = 0; i < 4; ++i) {
        const GanStats& s = t.step();
        EXPECT_TRUE(std::isfinite(s.g_loss) && std::isfinite(s.d_loss)) << "iteration " << i;
        EXPECT_TRUE(std::isfinite(s.r1_penalty));
        EXPECT_GT(s.d_loss, 0.0);  // softplus terms are positive
    }
    EXPECT_EQ(t.stats().iteration, 4);
    EXPECT_EQ(t.stats().images, 16);
    EXPECT_GT(t.stats().r1_penalty, 0.0) << "R1 ran (iterations 0 and 2)";
    const at::Tensor after = t.generator_ema().to_rgbs[0]->named_parameters()[0].value();
    EXPECT_FALSE(at::equal(before, after)) << "the EMA generator follows the trained one";
}

TEST(GanTrainer, ResumedRunContinuesBitForBit) {
    const fs::path dir = temp_dir("resume");
    auto source = portrait_source(16);
    GanTrainer straight(tiny_g(), tiny_d(), tiny_options(), *source, at::kCPU);
    for (int i = 0; i < 5; ++i) straight.step();

    GanTrainer first(tiny_g(), tiny_d(), tiny_options(), *source, at::kCPU);
    for (int i = 0; i < 3; ++i) first.step();
    const std::string ckpt = (dir / "checkpoint.safetensors").string();
    first.save_checkpoint(ckpt);
    auto resumed = GanTrainer::resume(ckpt, *source, at::kCPU);
    EXPECT_EQ(resumed->stats().iteration, 3);
    for (int i = 0; i < 2; ++i) resumed->step();

    EXPECT_EQ(resumed->stats().images, straight.stats().images);
    EXPECT_EQ(resumed->stats().g_loss, straight.stats().g_loss);
    EXPECT_EQ(resumed->stats().d_loss, straight.stats().d_loss);
    expect_same_module(resumed->generator_ema(), straight.generator_ema(), "EMA generator");
    expect_same_module(resumed->discriminator(), straight.discriminator(), "discriminator");
    fs::remove_all(dir);
}

TEST(GanTrainer, SavedModelLoadsInTheEngineAndRendersTheSame) {
    const fs::path dir = temp_dir("model");
    auto source = portrait_source(16);
    GanTrainer t(tiny_g(), tiny_d(), tiny_options(), *source, at::kCPU);
    t.step();
    const std::string f32 = (dir / "model32.safetensors").string();
    const std::string f16 = (dir / "model16.safetensors").string();
    t.save_model(f32, io::DType::Float32, {{"note", "test"}});
    t.save_model(f16, io::DType::Float16);

    torch::NoGradGuard no_grad;
    auto& g = t.generator_ema();
    const at::Tensor z = z_from_seed(3, 2, 16);
    const at::Tensor expected = g.synthesis(g.broadcast(g.mapping(z)));
    Model m = load_model(f32);
    EXPECT_EQ(m.format, "latent-studio");
    ASSERT_TRUE(m.discriminator);
    EXPECT_FALSE(m.latent_avg_estimated);
    const at::Tensor got = m.generator->synthesis(m.generator->broadcast(m.generator->mapping(z)));
    EXPECT_TRUE(at::allclose(got, expected, 0, 1e-6));
    Model h = load_model(f16);
    const at::Tensor half = h.generator->synthesis(h.generator->broadcast(h.generator->mapping(z)));
    EXPECT_LT((half - expected).abs().max().item<double>(), 0.05) << "float16 storage is close";
    fs::remove_all(dir);
}

TEST(GanTrainer, RefusesMismatchedDataAndBatch) {
    auto source = portrait_source(32);
    EXPECT_THROW(GanTrainer(tiny_g(), tiny_d(), tiny_options(), *source, at::kCPU),
                 std::invalid_argument);
    auto ok = portrait_source(16);
    GanOptions odd = tiny_options();
    odd.batch = 6;  // not a multiple of the minibatch-stddev group of 4
    EXPECT_THROW(GanTrainer(tiny_g(), tiny_d(), odd, *ok, at::kCPU), std::invalid_argument);
}

TEST(GanTrainer, ResumeRefusesOtherFiles) {
    const fs::path dir = temp_dir("refuse");
    auto source = portrait_source(16);
    GanTrainer t(tiny_g(), tiny_d(), tiny_options(), *source, at::kCPU);
    const std::string model = (dir / "model.safetensors").string();
    t.save_model(model, io::DType::Float32);
    EXPECT_THROW(GanTrainer::resume(model, *source, at::kCPU), ModelError);
    fs::remove_all(dir);
}

TEST(ModelManifest, FolderLoadsItsGeneratorAndMissingFilesAreNamed) {
    const fs::path dir = temp_dir("manifest");
    auto source = portrait_source(16);
    GanTrainer t(tiny_g(), tiny_d(), tiny_options(), *source, at::kCPU);
    t.save_model((dir / "g.safetensors").string(), io::DType::Float32);
    {
        std::ofstream(dir / "manifest.json")
            << R"({"name": "tiny", "generator": {"file": "g.safetensors"}})";
    }
    Model m = load_model(dir.string());
    EXPECT_EQ(m.generator->config().resolution, 16);
    ASSERT_TRUE(m.manifest);
    EXPECT_EQ(fs::path(m.manifest->path).filename(), "manifest.json");
    EXPECT_EQ(m.manifest->name, "tiny");
    { std::ofstream(dir / "manifest.json") << R"({"generator": "missing.safetensors"})"; }
    try {
        load_model((dir / "manifest.json").string());
        FAIL() << "a manifest naming a missing file loaded";
    } catch (const io::FormatError& e) {
        EXPECT_NE(std::string(e.what()).find("missing.safetensors"), std::string::npos) << e.what();
    }
    fs::remove_all(dir);
}

}  // namespace
}  // namespace ls::train
