// `invert`, `inpaint` and `paste-back`: a photo to a code, a painted region filled by the
// generator, and an edited code put back into the full photo.
#include <torch/csrc/autograd/grad_mode.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "imaging/image_file.h"
#include "imaging/photo.h"
#include "io/npy.h"
#include "model/tensor_npy.h"
#include "photo_job.h"

namespace ls::cli {

namespace {

struct InvertCommand {
    PhotoJobOptions job;
    std::string image, mask, out_wplus, out, out_crop, out_alignment;
};

// One JSON line on stdout: what a script needs to know about the inversion.
void print_summary(const InvertedPhoto& p, const std::string& image) {
    nlohmann::json j{{"image", image},
                     {"alignment", p.crop.alignment.method},
                     {"steps", p.result.steps_run},
                     {"loss", p.result.loss},
                     {"psnr_db", p.psnr_db},
                     {"seconds", p.result.seconds}};
    if (!p.crop.note.empty()) j["note"] = p.crop.note;
    std::cout << j.dump() << "\n";
}

void write_text_atomic(const std::string& path, const std::string& text) {
    io::write_file_atomic(path, std::vector<uint8_t>(text.begin(), text.end()));
}

int run_invert(const InvertCommand& c) {
    if (c.out_wplus.empty() && c.out.empty() && c.out_crop.empty() && c.out_alignment.empty()) {
        throw UsageError(
            "nothing to write: give --out-wplus, --out, --out-crop or --out-alignment");
    }
    for (const std::string* p : {&c.out_wplus, &c.out, &c.out_crop, &c.out_alignment}) {
        if (!p->empty()) check_new_output(*p, c.job.overwrite, c.image);
    }
    InversionModel m = open_inversion_model(c.job);
    const InvertedPhoto p = invert_photo(m, c.job, c.image, c.mask, "invert");
    if (!c.out_wplus.empty()) io::write_npy(c.out_wplus, tensor_to_npy(p.result.wplus));
    if (!c.out.empty()) write_image(c.out, p.reconstruction);
    if (!c.out_crop.empty()) write_image(c.out_crop, p.crop.crop);
    if (!c.out_alignment.empty()) {
        write_text_atomic(c.out_alignment, alignment_to_json(p.crop.alignment) + "\n");
    }
    print_summary(p, c.image);
    return kOk;
}

struct InpaintCommand {
    PhotoJobOptions job;
    std::string image, mask, out, out_wplus;
    double feather = -1;
};

int run_inpaint(const InpaintCommand& c) {
    check_new_output(c.out, c.job.overwrite, c.image);
    if (!c.out_wplus.empty()) check_new_output(c.out_wplus, c.job.overwrite, c.image);
    InversionModel m = open_inversion_model(c.job);
    const InvertedPhoto p = invert_photo(m, c.job, c.image, c.mask, "inpaint");
    // The feather in photo pixels: by default a twentieth of the crop's side.
    const auto& q = p.crop.alignment.quad;
    const double side = std::hypot(q[3].x - q[0].x, q[3].y - q[0].y);
    const double feather = c.feather >= 0 ? c.feather : std::max(1.0, side / 20);
    write_image(
        c.out, paste_fill(p.photo, p.crop.alignment, p.reconstruction, read_mask(c.mask), feather));
    if (!c.out_wplus.empty()) io::write_npy(c.out_wplus, tensor_to_npy(p.result.wplus));
    print_summary(p, c.image);
    return kOk;
}

struct PasteCommand {
    std::string model, device = "auto";
    std::string image, alignment, wplus, edited, out, mode = "difference";
    double feather = 0.08;
    bool poisson = false, overwrite = false;
};

int run_paste(const PasteCommand& c) {
    check_new_output(c.out, c.overwrite, c.image);
    Model m = open_model(c.model, c.device);
    auto& g = *m.generator;
    const std::vector<int64_t> item{g.config().num_ws(), g.config().w_dim};
    const at::Tensor recon_code = read_batch(c.wplus, item, "W+").narrow(0, 0, 1);
    const at::Tensor edited_code = read_batch(c.edited, item, "W+").narrow(0, 0, 1);
    const RgbImage photo = read_photo(c.image);
    const auto text = io::read_file_bytes(c.alignment, 1 << 20);
    const Alignment a = alignment_from_json(std::string(text.begin(), text.end()));
    torch::NoGradGuard no_grad;
    const auto device = g.latent_avg.device();
    const RgbImage recon =
        tensor_to_rgb(g.synthesis(recon_code.to(device), nn::NoiseMode::Const))[0];
    const RgbImage edited =
        tensor_to_rgb(g.synthesis(edited_code.to(device), nn::NoiseMode::Const))[0];
    PasteOptions po;
    po.feather = c.feather;
    po.poisson = c.poisson;
    write_image(c.out, paste_edit(photo, a, recon, edited, parse_paste_mode(c.mode), po));
    return kOk;
}

}  // namespace

Runner add_invert(CLI::App& app) {
    auto c = std::make_shared<InvertCommand>();
    add_photo_job_options(app, c->job);
    app.add_option("--image", c->image, "the photo")->required()->check(CLI::ExistingFile);
    app.add_option("--mask", c->mask, "PNG, 255 where the pixels are to be ignored")
        ->check(CLI::ExistingFile);
    app.add_option("--out-wplus", c->out_wplus, "the code, .npy [1, num_ws, w_dim]");
    app.add_option("--out", c->out, "the reconstruction (the crop as the model draws it)");
    app.add_option("--out-crop", c->out_crop, "the aligned crop of the photo");
    app.add_option("--out-alignment", c->out_alignment, "where the crop lies, JSON");
    return [c] { return run_invert(*c); };
}

Runner add_inpaint(CLI::App& app) {
    auto c = std::make_shared<InpaintCommand>();
    add_photo_job_options(app, c->job);
    app.add_option("--image", c->image, "the photo")->required()->check(CLI::ExistingFile);
    app.add_option("--mask", c->mask, "PNG, 255 where the generator fills in")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--out", c->out, "the photo with the region filled (.png, .jpg)")->required();
    app.add_option("--out-wplus", c->out_wplus, "the code of the masked inversion, .npy");
    app.add_option("--feather", c->feather,
                   "blend width in photo pixels (default: 1/20 of "
                   "the crop)");
    return [c] { return run_inpaint(*c); };
}

Runner add_paste_back(CLI::App& app) {
    auto c = std::make_shared<PasteCommand>();
    app.add_option("--model", c->model, "model (default: the embedded model)");
    app.add_option("--device", c->device, "cpu, cuda or auto")->capture_default_str();
    app.add_option("--image", c->image, "the photo")->required()->check(CLI::ExistingFile);
    app.add_option("--alignment", c->alignment, "from invert --out-alignment")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--wplus", c->wplus, "the photo's code (invert --out-wplus)")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--edited", c->edited, "the edited code (edit --out-npy)")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--out", c->out, "the full photo with the edit (.png, .jpg)")->required();
    app.add_option("--mode", c->mode, "difference (keeps the photo's detail) or replace")
        ->check(CLI::IsMember({"difference", "replace"}))
        ->capture_default_str();
    app.add_option("--feather", c->feather, "blend width, a fraction of the crop")
        ->check(CLI::Range(0.0, 0.5))
        ->capture_default_str();
    app.add_flag("--poisson", c->poisson, "Poisson (seamless) blending");
    app.add_flag("--overwrite", c->overwrite, "replace an existing output");
    return [c] { return run_paste(*c); };
}

}  // namespace ls::cli
