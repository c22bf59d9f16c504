#include "photo_job.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <filesystem>
#include <iostream>

#include "cli_common.h"
#include "imaging/photo.h"
#include "invert/image_metrics.h"
#include "invert/model_encoder.h"
#include "invert/quality_targets.h"
#include "model/tensor_npy.h"

namespace fs = std::filesystem;

namespace ls::cli {

void add_photo_job_options(CLI::App& cmd, PhotoJobOptions& o) {
    cmd.add_option("--model", o.model, "model (default: the embedded model)");
    cmd.add_option("--device", o.device, "cpu, cuda or auto")->capture_default_str();
    cmd.add_option("--preset", o.preset, "fast, balanced or best")
        ->check(CLI::IsMember(invert::preset_names()))
        ->capture_default_str();
    cmd.add_option("--steps", o.steps, "optimisation steps (default: the preset's)")
        ->check(CLI::NonNegativeNumber);
    cmd.add_flag("--w-space", o.w_space, "optimise one w for every layer instead of W+");
    cmd.add_option("--seed", o.seed, "seed of the inversion")->capture_default_str();
    cmd.add_option("--crop", o.crop, "auto (a face, else the centred square), face or centre")
        ->check(CLI::IsMember({"auto", "face", "centre"}))
        ->capture_default_str();
    cmd.add_option("--yunet", o.yunet, "a YuNet ONNX file: its landmarks instead of Haar's")
        ->check(CLI::ExistingFile);
    cmd.add_flag("--overwrite", o.overwrite, "replace existing output files");
    cmd.add_flag("--quiet", o.quiet, "no progress lines");
}

InversionModel open_inversion_model(const PhotoJobOptions& o) {
    InversionModel m{open_model(o.model, o.device), train::FeatureNet(nullptr), std::nullopt};
    m.encoder = invert::load_model_encoder(m.model);
    m.framing = framing_for(m.model.manifest ? m.model.manifest->alignment : "ffhq");
    return m;
}

namespace {

invert::InvertOptions options_of(const PhotoJobOptions& o) {
    invert::InvertOptions io = invert::preset(o.preset);
    if (o.steps >= 0) io.steps = o.steps;
    io.wplus = !o.w_space;
    io.seed = o.seed;
    return io;
}

}  // namespace

InvertedPhoto invert_photo(InversionModel& m, const PhotoJobOptions& o, const std::string& image,
                           const std::string& mask, const std::string& label) {
    auto& g = *m.model.generator;
    const int r = g.config().resolution;
    InvertedPhoto out;
    out.photo = read_photo(image);
    DetectorOptions detector;
    detector.yunet_model = o.yunet;
    out.crop = crop_photo(out.photo, m.framing, r, parse_crop_mode(o.crop), detector);
    if (!out.crop.note.empty() && !o.quiet) std::cerr << label << ": " << out.crop.note << "\n";
    at::Tensor known;
    if (!mask.empty()) {
        out.mask = mask_for_crop(read_mask(mask), out.photo, out.crop.alignment, r);
        known = invert::known_from_mask(*out.mask).to(g.latent_avg.device());
    }
    const at::Tensor target = rgb_to_tensor(out.crop.crop).to(g.latent_avg.device());
    const invert::InvertOptions io = options_of(o);
    const int every = std::max(1, io.steps / 10);
    out.result = invert::invert(
        g, invert::discriminator_ptr(m.model), invert::encoder_ptr(m.encoder), target, known, io,
        [&](const invert::StepReport& s, const invert::Inverter&) {
            if (!o.quiet && (s.step % every == 0 || s.step == s.steps)) {
                std::cerr << label << ": step " << s.step << "/" << s.steps << "  loss " << s.loss
                          << "  best " << s.best_loss << "\n";
            }
            return true;
        });
    at::NoGradGuard no_grad;
    const at::Tensor recon = g.synthesis(out.result.wplus, nn::NoiseMode::Const);
    out.reconstruction = tensor_to_rgb(recon)[0];
    out.psnr_db = invert::psnr(recon, target, known);
    return out;
}

void check_new_output(const std::string& path, bool overwrite, const std::string& input) {
    check_output_path(path);
    std::error_code ec;
    if (!input.empty() && fs::equivalent(path, input, ec)) {
        throw InputError("'" + path + "' is the input photo: write the result somewhere else");
    }
    if (fs::exists(path, ec) && !overwrite) {
        throw InputError("'" + path + "' exists; give --overwrite to replace it");
    }
}

}  // namespace ls::cli
