#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "cli_common.h"
#include "commands.h"
#include "imaging/image_file.h"
#include "io/npy.h"
#include "model/tensor_npy.h"

namespace fs = std::filesystem;

namespace ls::cli {

namespace {

struct GenerateOptions {
    std::string model, device = "auto";
    std::string z_path, w_path, wplus_path, seeds;
    double truncation = 1.0;
    int truncation_cutoff = -1;
    std::string noise = "const";
    uint64_t noise_seed = 0;
    int count = 1, batch = 8;
    std::string out_npy, out;
};

nn::NoiseMode parse_noise(const std::string& s) {
    if (s == "const") return nn::NoiseMode::Const;
    if (s == "none") return nn::NoiseMode::None;
    return nn::NoiseMode::Random;
}

// W+ codes for every image, from whichever input was given, checked against the model.
at::Tensor codes_from_inputs(const GenerateOptions& o, nn::GeneratorImpl& g,
                             std::vector<std::string>* names) {
    const auto& c = g.config();
    const std::optional<int> cutoff =
        o.truncation_cutoff >= 0 ? std::optional<int>(o.truncation_cutoff) : c.truncation_cutoff;
    auto named = [&](int64_t n, const std::string& prefix) {
        for (int64_t i = 0; i < n; ++i) {
            std::ostringstream s;
            s << prefix << std::setw(4) << std::setfill('0') << i;
            names->push_back(s.str());
        }
    };
    if (!o.seeds.empty()) {
        std::vector<uint64_t> seeds = parse_seeds(o.seeds);
        if (o.count > 1 && seeds.size() == 1) {
            for (int i = 1; i < o.count; ++i) seeds.push_back(seeds[0] + i);
        }
        std::vector<at::Tensor> zs;
        for (uint64_t s : seeds) {
            zs.push_back(z_from_seed(s, 1, c.z_dim));
            std::ostringstream n;
            n << "seed" << std::setw(4) << std::setfill('0') << s;
            names->push_back(n.str());
        }
        const at::Tensor z = at::cat(zs, 0).to(g.latent_avg.device());
        return g.truncate(g.broadcast(g.mapping(z)), o.truncation, cutoff);
    }
    if (!o.z_path.empty()) {
        at::Tensor z = read_batch(o.z_path, {c.z_dim}, "z");
        named(z.size(0), "z");
        z = z.to(g.latent_avg.device());
        return g.truncate(g.broadcast(g.mapping(z)), o.truncation, cutoff);
    }
    if (!o.w_path.empty()) {
        const at::Tensor w = read_batch(o.w_path, {c.w_dim}, "w");
        named(w.size(0), "w");
        return g.truncate(g.broadcast(w.to(g.latent_avg.device())), o.truncation, cutoff);
    }
    const at::Tensor wp = read_batch(o.wplus_path, {c.num_ws(), c.w_dim}, "W+");
    named(wp.size(0), "wplus");
    return g.truncate(wp.to(g.latent_avg.device()), o.truncation, cutoff);
}

// A grid of images, as many columns as the square root rounds up to.
RgbImage make_grid(const std::vector<RgbImage>& images) {
    const int n = static_cast<int>(images.size());
    const int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
    const int rows = (n + cols - 1) / cols;
    const int w = images[0].width, h = images[0].height;
    RgbImage grid;
    grid.width = cols * w;
    grid.height = rows * h;
    grid.pixels.assign(static_cast<size_t>(grid.width) * grid.height * 3, 0);
    for (int i = 0; i < n; ++i) {
        const int x0 = (i % cols) * w, y0 = (i / cols) * h;
        for (int y = 0; y < h; ++y) {
            std::copy_n(images[i].pixels.data() + static_cast<size_t>(y) * w * 3, w * 3,
                        grid.pixels.data() + (static_cast<size_t>(y0 + y) * grid.width + x0) * 3);
        }
    }
    return grid;
}

void write_outputs(const GenerateOptions& o, const at::Tensor& images,
                   const std::vector<std::string>& names) {
    if (!o.out_npy.empty()) io::write_npy(o.out_npy, tensor_to_npy(images));
    if (o.out.empty()) return;
    const std::vector<RgbImage> rgb = tensor_to_rgb(images);
    std::error_code ec;
    if (is_image_path(o.out) && !fs::is_directory(o.out, ec)) {
        write_image(o.out, rgb.size() == 1 ? rgb[0] : make_grid(rgb));
        return;
    }
    fs::create_directories(o.out, ec);
    if (ec) throw InputError("cannot create the folder '" + o.out + "': " + ec.message());
    for (size_t i = 0; i < rgb.size(); ++i) {
        write_image((fs::path(o.out) / (names[i] + ".png")).string(), rgb[i]);
    }
}

int run_generate(const GenerateOptions& o) {
    if (o.out.empty() && o.out_npy.empty()) {
        throw UsageError("nothing to write: give --out and/or --out-npy");
    }
    if (!o.out.empty()) {
        std::error_code ec;
        if (!is_image_path(o.out) || fs::is_directory(o.out, ec)) {
            // A folder: it or its parent must exist.
            const fs::path p(o.out);
            if (!fs::is_directory(p, ec)) check_output_path(p.string());
        } else {
            check_output_path(o.out);
        }
    }
    if (!o.out_npy.empty()) check_output_path(o.out_npy);
    if (o.out_npy.size() < 4 || o.out_npy.substr(o.out_npy.size() - 4) != ".npy") {
        if (!o.out_npy.empty()) throw InputError("--out-npy needs a .npy file name");
    }
    Model m = open_model(o.model, o.device);
    if (m.generator->config().img_channels != 3 && !o.out.empty()) {
        throw InputError("this model makes " + std::to_string(m.generator->config().img_channels) +
                         "-channel images; use --out-npy");
    }
    torch::NoGradGuard no_grad;
    std::vector<std::string> names;
    const at::Tensor wplus = codes_from_inputs(o, *m.generator, &names);
    std::vector<at::Tensor> parts;
    const int64_t n = wplus.size(0);
    for (int64_t start = 0; start < n; start += o.batch) {
        const int64_t len = std::min<int64_t>(o.batch, n - start);
        std::optional<uint64_t> noise_seed;
        if (o.noise == "random") noise_seed = o.noise_seed + static_cast<uint64_t>(start);
        parts.push_back(
            m.generator->synthesis(wplus.narrow(0, start, len), parse_noise(o.noise), noise_seed)
                .cpu());
    }
    write_outputs(o, at::cat(parts, 0), names);
    return kOk;
}

}  // namespace

Runner add_generate(CLI::App& app) {
    auto o = std::make_shared<GenerateOptions>();
    app.add_option("--model", o->model, "Model file; default: the embedded model");
    auto* z =
        app.add_option("--z", o->z_path, "z codes, .npy [N, z_dim]")->check(CLI::ExistingFile);
    auto* w =
        app.add_option("--w", o->w_path, "w codes, .npy [N, w_dim]")->check(CLI::ExistingFile);
    auto* wp = app.add_option("--wplus", o->wplus_path, "W+ codes, .npy [N, num_ws, w_dim]")
                   ->check(CLI::ExistingFile);
    auto* seed = app.add_option("--seed", o->seeds,
                                "Seeds: 7, 1..16 or 1,5,9 (z as NumPy's RandomState(seed).randn)");
    z->excludes(w, wp, seed);
    w->excludes(wp, seed);
    wp->excludes(seed);
    app.add_option("--count", o->count, "With one --seed: this many consecutive seeds")
        ->check(CLI::Range(1, 100000));
    app.add_option("--truncation", o->truncation, "Truncation psi towards the average w")
        ->check(CLI::Range(-10.0, 10.0));
    app.add_option("--truncation-cutoff", o->truncation_cutoff,
                   "Truncate only the first N layers of W+");
    app.add_option("--noise", o->noise, "Noise: const (stored), none or random")
        ->check(CLI::IsMember({"const", "none", "random"}));
    app.add_option("--noise-seed", o->noise_seed, "Seed of --noise random");
    app.add_option("--batch", o->batch, "Images per forward pass")->check(CLI::Range(1, 1024));
    app.add_option("--device", o->device, "auto, cpu or cuda");
    app.add_option("--out-npy", o->out_npy, "Raw images, .npy [N, 3, H, W] float32");
    app.add_option("--out", o->out, "A .png/.jpg (a grid for several images) or a folder");
    return [o, z, w, wp, seed] {
        if (!*z && !*w && !*wp && !*seed) {
            throw UsageError("give one of --z, --w, --wplus or --seed");
        }
        return run_generate(*o);
    };
}

}  // namespace ls::cli
