// `bench-invert`: how well and how fast the inversion finds images the model can represent
// exactly (its own samples from known codes) and held-out rendered portraits, for each
// preset, against the encoder alone; and how well a masked inversion fills a hidden region
// (an eye, the mouth, a 25 % box) against the truth. Prints JSON. A benchmark, not a test:
// tests/invert holds the floors.
#include <torch/csrc/autograd/grad_mode.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "imaging/classic_inpaint.h"
#include "invert/image_metrics.h"
#include "invert/inverter.h"
#include "invert/model_encoder.h"
#include "invert/quality_targets.h"
#include "io/value.h"
#include "model/tensor_npy.h"
#include "runtime/runtime.h"

namespace ls::cli {

namespace {

struct BenchInvertOptions {
    std::string model, device = "cpu";
    int count = 8;
    std::string presets = "fast,balanced,best";
    double truncation = 0.7;
    bool inpainting = true;
    std::string inpaint_preset = "balanced";
    // Overrides of every preset's weights (negative: the preset's), to see what each costs.
    double feature_weight = -1, encoder_weight = -1, ssim_weight = -1, lr = -1;
    int random_resolution = 0;  // > 0: a random-weight config-f model of this size (speed)
    int steps = -1;
    bool wplus = true;
};

invert::InvertOptions preset_with_overrides(const BenchInvertOptions& b, const std::string& name) {
    invert::InvertOptions o = invert::preset(name);
    if (b.feature_weight >= 0) o.feature_weight = b.feature_weight;
    if (b.encoder_weight >= 0) o.encoder_weight = b.encoder_weight;
    if (b.ssim_weight >= 0) o.ssim_weight = b.ssim_weight;
    if (b.steps >= 0) o.steps = b.steps;
    if (b.lr > 0) o.lr = b.lr;
    o.wplus = b.wplus;
    return o;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Tally {
    // cpu_seconds: the process's CPU time (std::clock); with --threads 1 it is what the run
    // would take on an idle core, however busy the machine is.
    std::vector<double> psnr, ssim, seconds, cpu_seconds;
    nlohmann::json json() const {
        auto mean = [](const std::vector<double>& v) {
            double s = 0;
            for (double x : v) s += x;
            return v.empty() ? 0.0 : s / static_cast<double>(v.size());
        };
        auto min = [](const std::vector<double>& v) {
            return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
        };
        return {{"psnr_db_mean", mean(psnr)},
                {"psnr_db_min", min(psnr)},
                {"ssim_mean", mean(ssim)},
                {"seconds_mean", mean(seconds)},
                {"cpu_seconds_mean", mean(cpu_seconds)},
                {"images", psnr.size()}};
    }
};

// Every preset and the encoder alone on each target of `targets` [N, 3, R, R].
nlohmann::json reconstruction(const BenchInvertOptions& b, Model& m, train::FeatureNetImpl* encoder,
                              const at::Tensor& targets, const std::vector<std::string>& presets,
                              const std::string& what) {
    auto& g = *m.generator;
    nlohmann::json out;
    if (encoder) {
        Tally t;
        for (int64_t i = 0; i < targets.size(0); ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            invert::InvertOptions o;
            o.steps = 0;
            const auto r = invert::invert(g, nullptr, encoder, targets[i].unsqueeze(0), {}, o);
            t.seconds.push_back(seconds_since(t0));
            at::NoGradGuard no_grad;
            const at::Tensor img = g.synthesis(r.wplus, nn::NoiseMode::Const);
            t.psnr.push_back(invert::psnr(img, targets[i].unsqueeze(0)));
            t.ssim.push_back(invert::ssim(img, targets[i].unsqueeze(0)).item<double>());
        }
        out["encoder_only"] = t.json();
    }
    for (const std::string& name : presets) {
        const invert::InvertOptions o = preset_with_overrides(b, name);
        Tally t;
        for (int64_t i = 0; i < targets.size(0); ++i) {
            const at::Tensor target = targets[i].unsqueeze(0);
            const std::clock_t c0 = std::clock();
            const auto r = invert::invert(g, invert::discriminator_ptr(m), encoder, target, {}, o);
            t.cpu_seconds.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
            at::NoGradGuard no_grad;
            const at::Tensor img = g.synthesis(r.wplus, nn::NoiseMode::Const);
            t.psnr.push_back(invert::psnr(img, target));
            t.ssim.push_back(invert::ssim(img, target).item<double>());
            t.seconds.push_back(r.seconds);
            std::cerr << "bench-invert: " << what << " " << name << " image " << i + 1 << ": "
                      << t.psnr.back() << " dB, " << r.seconds << " s\n";
        }
        nlohmann::json j = t.json();
        j["steps"] = o.steps;
        out[name] = j;
    }
    return out;
}

// PSNR inside the hidden region for the masked inversion (its fill composited), the encoder
// alone (fed the image with the region replaced by the average face) and OpenCV's Telea.
nlohmann::json inpainting(const BenchInvertOptions& b, Model& m, train::FeatureNetImpl* encoder,
                          const at::Tensor& targets, const std::string& preset_name) {
    auto& g = *m.generator;
    const int64_t r = g.config().resolution;
    nlohmann::json out;
    for (const invert::HiddenRegion& region : invert::hidden_regions(r)) {
        const at::Tensor hidden = region.mask.to(g.latent_avg.device());  // 1 = hidden
        const at::Tensor known = 1 - hidden;
        Tally masked, enc, telea;
        for (int64_t i = 0; i < targets.size(0); ++i) {
            const at::Tensor target = targets[i].unsqueeze(0);
            const auto result = invert::invert(g, invert::discriminator_ptr(m), encoder, target, known,
                                               preset_with_overrides(b, preset_name));
            at::NoGradGuard no_grad;
            masked.psnr.push_back(
                invert::psnr(g.synthesis(result.wplus, nn::NoiseMode::Const), target, hidden));
            masked.seconds.push_back(result.seconds);
            if (encoder) {
                invert::InvertOptions o;
                o.steps = 0;
                const auto e = invert::invert(g, nullptr, encoder, target, known, o);
                enc.psnr.push_back(
                    invert::psnr(g.synthesis(e.wplus, nn::NoiseMode::Const), target, hidden));
            }
            try {
                const RgbImage filled =
                    inpaint_telea(tensor_to_rgb(target)[0], invert::mask_to_grey(hidden));
                telea.psnr.push_back(
                    invert::psnr(rgb_to_tensor(filled).to(target.device()), target, hidden));
            } catch (const io::FormatError&) {
                // A build without OpenCV (a GPU host): no Telea baseline.
            }
        }
        nlohmann::json j;
        j["hidden_fraction"] = hidden.mean().item<double>();
        j["masked_inversion"] = masked.json()["psnr_db_mean"];
        j["masked_inversion_seconds"] = masked.json()["seconds_mean"];
        if (encoder) j["encoder_only"] = enc.json()["psnr_db_mean"];
        if (!telea.psnr.empty()) j["opencv_telea"] = telea.json()["psnr_db_mean"];
        out[region.name] = j;
        std::cerr << "bench-invert: inpainting " << region.name << ": " << j.dump() << "\n";
    }
    out["preset"] = preset_name;
    out["measure"] = "PSNR in dB inside the hidden region against the truth";
    return out;
}

// StyleGAN2 config-f at `size` (rosinality's channel multiplier 2) with random weights, G and
// D: the speed of an inversion at that size, whatever the weights.
Model random_config_f(int size, const std::string& device) {
    GeneratorConfig g;
    g.resolution = size;
    g.z_dim = g.w_dim = 512;
    g.mapping_layers = 8;
    g.channels = rosinality_channels(size, 2);
    g.channel_multiplier = 2;
    DiscriminatorConfig d;
    d.resolution = size;
    d.channels = g.channels;
    return random_model(g, d, 0, runtime::pick_device(device));
}

int run_bench_invert(const BenchInvertOptions& o) {
    Model m = o.random_resolution > 0 ? random_config_f(o.random_resolution, o.device)
                                      : open_model(o.model, o.device);
    train::FeatureNet encoder = invert::load_model_encoder(m);
    std::vector<std::string> presets;
    {
        std::stringstream s(o.presets);
        for (std::string p; std::getline(s, p, ',');) {
            (void)invert::preset(p);  // a typo fails before any work
            presets.push_back(p);
        }
    }
    auto& g = *m.generator;
    const at::Tensor generated = invert::generated_targets(g, o.count, o.truncation);
    nlohmann::json out;
    out["model"] = o.random_resolution > 0
                       ? "random-" + std::to_string(o.random_resolution) + "-config-f"
                       : (m.manifest ? m.manifest->name : m.path);
    out["device"] = runtime::describe_device(g.latent_avg.device());
    out["threads"] = runtime::thread_count();
    out["resolution"] = g.config().resolution;
    out["has_encoder"] = !encoder.is_empty();
    out["has_discriminator"] = !m.discriminator.is_empty();
    out["generated"] = reconstruction(o, m, invert::encoder_ptr(encoder), generated, presets, "generated");
    out["generated"]["targets"] = "the model's samples from seeds 0.." +
                                  std::to_string(o.count - 1) + ", truncation " +
                                  std::to_string(o.truncation);
    if (m.manifest) {
        const at::Tensor rendered =
            invert::rendered_targets(g.config().resolution, o.count).to(g.latent_avg.device());
        out["rendered"] = reconstruction(o, m, invert::encoder_ptr(encoder), rendered, presets, "rendered");
        out["rendered"]["targets"] = "held-out rendered portraits (seeds from 1e9)";
    }
    if (o.inpainting)
        out["inpainting"] = inpainting(o, m, invert::encoder_ptr(encoder), generated, o.inpaint_preset);
    std::cout << out.dump(2) << "\n";
    return kOk;
}

}  // namespace

Runner add_bench_invert(CLI::App& app) {
    auto o = std::make_shared<BenchInvertOptions>();
    CLI::App* cmd = &app;
    cmd->add_option("--model", o->model, "model (default: the embedded model)");
    cmd->add_option("--device", o->device, "cpu, cuda or auto")->capture_default_str();
    cmd->add_option("--count", o->count, "images per measure")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->add_option("--presets", o->presets, "comma-separated presets")->capture_default_str();
    cmd->add_option("--truncation", o->truncation, "psi of the generated targets")
        ->capture_default_str();
    cmd->add_option("--inpaint-preset", o->inpaint_preset, "preset of the masked inversions")
        ->capture_default_str();
    cmd->add_flag("!--no-inpainting", o->inpainting, "skip the inpainting measures");
    cmd->add_flag("!--w-space", o->wplus, "optimise one w for every layer instead of W+");
    cmd->add_option("--feature-weight", o->feature_weight, "override every preset's");
    cmd->add_option("--encoder-weight", o->encoder_weight, "override every preset's");
    cmd->add_option("--ssim-weight", o->ssim_weight, "override every preset's");
    cmd->add_option("--random-resolution", o->random_resolution,
                    "time a random-weight config-f model of this size instead (speed only)")
        ->check(CLI::IsMember({16, 32, 64, 128, 256, 512, 1024}));
    cmd->add_option("--steps", o->steps, "override every preset's step count");
    cmd->add_option("--lr", o->lr, "override every preset's learning rate");
    return [o] { return run_bench_invert(*o); };
}

}  // namespace ls::cli
