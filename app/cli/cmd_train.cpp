// latent-studio-cli train gan: trains a StyleGAN2 on the portrait renderer or an image folder,
// with a resumable checkpoint, a progress line, sample grids and a stop (Ctrl+C) that saves.
#include <torch/csrc/autograd/grad_mode.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "imaging/grid_image.h"
#include "imaging/image_file.h"
#include "io/npy.h"
#include "model/model.h"
#include "model/tensor_npy.h"
#include "runtime/runtime.h"
#include "train/gan_trainer.h"

namespace fs = std::filesystem;

namespace ls::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) {
    g_stop = true;
}

struct GanCommand {
    std::string data = "portraits", out, resume, device = "auto", channels, model_dtype = "float16";
    int resolution = 64, z_dim = 256, w_dim = 256, mapping_layers = 8;
    int channel_max = 256;
    double kimg = 0, minutes = 0;
    int64_t iterations = 0;
    int snapshot_every = 1000, sample_every = 1000, log_every = 50;
    bool overwrite = false;
    train::GanOptions options;
};

// "256,256,256,128,64": channels from 4 px up; else min(channel_max, 16384 / res) per level.
std::map<int, int> channel_table(const GanCommand& c) {
    std::map<int, int> out;
    if (!c.channels.empty()) {
        std::stringstream s(c.channels);
        std::string item;
        int res = 4;
        while (std::getline(s, item, ',')) {
            out[res] = std::stoi(item);
            res *= 2;
        }
        if (res / 2 != c.resolution) {
            throw UsageError("--channels needs one value per resolution from 4 to " +
                             std::to_string(c.resolution));
        }
        return out;
    }
    for (int res = 4; res <= c.resolution; res *= 2)
        out[res] = std::min(c.channel_max, 16384 / res);
    return out;
}

void write_samples(train::GanTrainer& t, const std::string& path) {
    torch::NoGradGuard no_grad;
    auto& g = t.generator_ema();
    const at::Tensor z = z_from_seed(0, 16, g.config().z_dim).to(g.latent_avg.device());
    const at::Tensor img = g.synthesis(g.broadcast(g.mapping(z)), nn::NoiseMode::Const);
    write_image(path, labelled_grid(tensor_to_rgb(img.cpu()), 4, 4, {}, {}));
}

std::string duration(double seconds) {
    char buf[32];
    const int s = static_cast<int>(seconds);
    std::snprintf(buf, sizeof buf, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
    return buf;
}

int run_gan(GanCommand& c) {
    const fs::path out(c.out);
    std::error_code ec;
    fs::create_directories(out, ec);
    if (!fs::is_directory(out, ec)) throw InputError("cannot create the folder '" + c.out + "'");
    const fs::path ckpt = out / "checkpoint.safetensors";
    if (c.resume.empty() && fs::exists(ckpt) && !c.overwrite) {
        throw InputError("'" + ckpt.string() + "' exists: continue it with --resume " +
                         ckpt.string() + ", or start again with --overwrite");
    }
    const at::Device device = runtime::pick_device(c.device);
    const int resolution = c.resume.empty() ? c.resolution : train::checkpoint_resolution(c.resume);
    std::unique_ptr<train::ImageSource> source =
        c.data == "portraits" ? train::portrait_source(resolution, c.options.seed)
                              : train::folder_source(c.data, resolution, c.options.seed);
    std::unique_ptr<train::GanTrainer> t;
    if (!c.resume.empty()) {
        t = train::GanTrainer::resume(c.resume, *source, device);
    } else {
        GeneratorConfig g;
        g.resolution = c.resolution;
        g.z_dim = c.z_dim;
        g.w_dim = c.w_dim;
        g.mapping_layers = c.mapping_layers;
        g.channels = channel_table(c);
        DiscriminatorConfig d;
        d.resolution = c.resolution;
        d.channels = g.channels;
        try {
            t = std::make_unique<train::GanTrainer>(g, d, c.options, *source, device);
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
    }
    const io::DType dtype = c.model_dtype == "float32" ? io::DType::Float32 : io::DType::Float16;
    std::map<std::string, std::string> meta = {{"command", invoked_command_line()},
                                               {"device", runtime::describe_device(device)}};
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    std::cerr << "training on " << source->description() << ", " << runtime::describe_device(device)
              << "; Ctrl+C stops and saves\n";

    std::ofstream log(out / "training-log.jsonl", std::ios::app);
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const int64_t first_images = t->stats().images;
    const int64_t first_iteration = t->stats().iteration;
    auto done = [&] {
        const auto& s = t->stats();
        return g_stop || (c.kimg > 0 && s.images >= c.kimg * 1000) ||
               (c.iterations > 0 && s.iteration - first_iteration >= c.iterations) ||
               (c.minutes > 0 && elapsed() >= c.minutes * 60);
    };
    auto save = [&] {
        meta["training_seconds"] = std::to_string(elapsed());
        t->save_checkpoint(ckpt.string(), meta);
        t->save_model((out / "model.safetensors").string(), dtype, meta);
    };
    while (!done()) {
        const auto& s = t->step();
        if (!std::isfinite(s.d_loss) || !std::isfinite(s.g_loss)) {
            throw InputError("training diverged at iteration " + std::to_string(s.iteration) +
                             " (a loss is not finite); the last checkpoint is kept");
        }
        if (s.iteration % c.log_every == 0 || done()) {
            const double rate = (s.images - first_images) / std::max(elapsed(), 1e-9);
            nlohmann::json line = {{"iteration", s.iteration},   {"kimg", s.images / 1000.0},
                                   {"g_loss", s.g_loss},         {"d_loss", s.d_loss},
                                   {"r1", s.r1_penalty},         {"real_logit", s.real_logit},
                                   {"fake_logit", s.fake_logit}, {"images_per_s", rate},
                                   {"seconds", elapsed()}};
            log << line.dump() << "\n" << std::flush;
            std::fprintf(stderr, "iter %lld  kimg %.1f  G %.3f  D %.3f  R1 %.4f  %.0f img/s  %s\n",
                         static_cast<long long>(s.iteration), s.images / 1000.0, s.g_loss, s.d_loss,
                         s.r1_penalty, rate, duration(elapsed()).c_str());
        }
        if (s.iteration % c.snapshot_every == 0) save();
        if (c.sample_every > 0 && s.iteration % c.sample_every == 0) {
            try {
                char name[64];
                std::snprintf(name, sizeof name, "samples-%07lld.png",
                              static_cast<long long>(s.iteration));
                write_samples(*t, (out / name).string());
            } catch (const io::FormatError& e) {
                std::cerr << "latent-studio-cli: note: no sample grid: " << e.what() << "\n";
                c.sample_every = 0;
            }
        }
    }
    save();
    std::cerr << (g_stop ? "stopped; " : "done; ") << "saved " << ckpt.string() << " and "
              << (out / "model.safetensors").string() << " after " << t->stats().iteration
              << " iterations (" << t->stats().images / 1000.0 << " kimg)\n";
    return kOk;
}

}  // namespace

Runner add_train(CLI::App& app) {
    app.require_subcommand(1);
    auto c = std::make_shared<GanCommand>();
    CLI::App* gan = app.add_subcommand("gan", "Train a StyleGAN2 (generator + discriminator)");
    gan->add_option("--data", c->data, "'portraits' (rendered on the fly) or a folder of images")
        ->capture_default_str();
    gan->add_option("--out", c->out,
                    "Folder for checkpoint.safetensors, model.safetensors, "
                    "samples and the log")
        ->required();
    gan->add_option("--resume", c->resume, "Continue from a checkpoint.safetensors");
    gan->add_option("--resolution", c->resolution, "Image size (a power of two)")
        ->check(CLI::IsMember({8, 16, 32, 64, 128, 256, 512, 1024}))
        ->capture_default_str();
    gan->add_option("--z-dim", c->z_dim)->check(CLI::Range(1, 4096))->capture_default_str();
    gan->add_option("--w-dim", c->w_dim)->check(CLI::Range(1, 4096))->capture_default_str();
    gan->add_option("--mapping-layers", c->mapping_layers)
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    gan->add_option("--channel-max", c->channel_max, "Channels: min(this, 16384 / resolution)")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    gan->add_option("--channels", c->channels,
                    "Channels per resolution from 4 px up, e.g. "
                    "256,256,256,128,64");
    gan->add_option("--batch", c->options.batch)->check(CLI::Range(2, 4096))->capture_default_str();
    gan->add_option("--g-lr", c->options.g_lr)->capture_default_str();
    gan->add_option("--d-lr", c->options.d_lr)->capture_default_str();
    gan->add_option("--r1", c->options.r1_gamma, "R1 weight gamma (default: 0.0002 res^2 / batch)");
    gan->add_option("--r1-interval", c->options.r1_interval)
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    gan->add_option("--mixing", c->options.mixing_prob)
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    gan->add_option("--ema-kimg", c->options.ema_kimg,
                    "EMA half-life in thousands of images "
                    "(default: batch * 10 / 32)");
    gan->add_option("--seed", c->options.seed)->capture_default_str();
    gan->add_option("--kimg", c->kimg, "Stop after this many thousand real images");
    gan->add_option("--iterations", c->iterations, "Stop after this many iterations (of this run)");
    gan->add_option("--minutes", c->minutes, "Stop after this many minutes");
    gan->add_option("--snapshot-every", c->snapshot_every, "Save every this many iterations")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    gan->add_option("--sample-every", c->sample_every,
                    "A sample grid every this many "
                    "iterations (0: none)")
        ->capture_default_str();
    gan->add_option("--log-every", c->log_every)->check(CLI::PositiveNumber)->capture_default_str();
    gan->add_option("--model-dtype", c->model_dtype, "Storage of model.safetensors")
        ->check(CLI::IsMember({"float16", "float32"}))
        ->capture_default_str();
    gan->add_option("--device", c->device, "auto, cpu or cuda[:N]")->capture_default_str();
    gan->add_flag("--overwrite", c->overwrite, "Start again over an existing checkpoint");

    auto runners = std::make_shared<std::map<CLI::App*, Runner>>();
    (*runners)[gan] = [c] { return run_gan(*c); };
    add_train_networks(app, *runners);
    return [runners] {
        for (auto& [sub, runner] : *runners) {
            if (sub->parsed()) return runner();
        }
        return static_cast<int>(kUsage);
    };
}

}  // namespace ls::cli
