// `edit`: applies directions (with strengths and layer ranges) to W+ codes; writes the
// edited codes and/or their images.
#include <torch/csrc/autograd/grad_mode.h>

#include "cli_common.h"
#include "commands.h"
#include "edit/direction_file.h"
#include "edit/edit_stack.h"
#include "imaging/grid_image.h"
#include "imaging/image_file.h"
#include "io/npy.h"
#include "model/tensor_npy.h"

namespace ls::cli {

namespace {

struct EditOptions {
    std::string model, device = "auto", wplus, out_wplus, out, noise = "const";
    std::vector<std::string> directions, layers;
    std::vector<double> strengths;
};

// One edit per --direction; a single --strength or --layers applies to all of them.
edit::EditStack build_stack(const EditOptions& o, const GeneratorConfig& c) {
    const size_t n = o.directions.size();
    if (o.strengths.size() != n && o.strengths.size() != 1) {
        throw UsageError("give one --strength, or one per --direction");
    }
    if (o.layers.size() > 1 && o.layers.size() != n) {
        throw UsageError("give no --layers, one, or one per --direction");
    }
    edit::EditStack stack;
    for (size_t i = 0; i < n; ++i) {
        edit::Edit e;
        e.direction = edit::load_direction(o.directions[i], c);
        e.strength = o.strengths.size() == 1 ? o.strengths[0] : o.strengths[i];
        e.range = o.layers.empty() ? edit::all_layers(c)
                                   : edit::parse_layer_range(
                                         o.layers.size() == 1 ? o.layers[0] : o.layers[i], c);
        stack.push_back(e);
    }
    return stack;
}

void write_images(const std::string& path, const at::Tensor& images) {
    const std::vector<RgbImage> rgb = tensor_to_rgb(images);
    // Several codes: one row of images side by side.
    write_image(path, rgb.size() == 1
                          ? rgb[0]
                          : labelled_grid(rgb, 1, static_cast<int>(rgb.size()), {}, {}));
}

int run_edit(const EditOptions& o) {
    if (o.out.empty() && o.out_wplus.empty()) {
        throw UsageError("nothing to write: give --out-wplus and/or --out");
    }
    if (!o.out_wplus.empty()) check_output_path(o.out_wplus);
    if (!o.out.empty()) {
        if (!is_image_path(o.out)) throw InputError("--out needs a .png or .jpg file name");
        check_output_path(o.out);
    }
    Model m = open_model(o.model, o.device);
    auto& g = *m.generator;
    const GeneratorConfig& c = g.config();
    if (!o.out.empty() && c.img_channels != 3) {
        throw InputError("this model makes " + std::to_string(c.img_channels) +
                         "-channel images; use --out-wplus");
    }
    const at::Tensor wplus = read_batch(o.wplus, {c.num_ws(), c.w_dim}, "W+");
    const at::Tensor edited = edit::apply_edits(wplus, build_stack(o, c));
    at::Tensor images;
    if (!o.out.empty()) {
        torch::NoGradGuard no_grad;
        const auto noise = o.noise == "none" ? nn::NoiseMode::None : nn::NoiseMode::Const;
        images = g.synthesis(edited.to(g.latent_avg.device()), noise).cpu();
    }
    // Every input is read and every result computed before the first file is written.
    if (!o.out_wplus.empty()) io::write_npy(o.out_wplus, tensor_to_npy(edited.contiguous()));
    if (!o.out.empty()) write_images(o.out, images);
    return kOk;
}

}  // namespace

Runner add_edit(CLI::App& app) {
    auto o = std::make_shared<EditOptions>();
    app.add_option("--model", o->model, "Model file; default: the embedded model");
    app.add_option("--wplus", o->wplus, "W+ codes, .npy [N, num_ws, w_dim]")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--direction", o->directions,
                   "Direction, FILE.npy or FILE.npy:INDEX (repeatable: an edit stack)")
        ->required();
    app.add_option("--strength", o->strengths, "Strength (repeatable, one per --direction)")
        ->required()
        ->allow_extra_args(false);
    app.add_option("--layers", o->layers, "W+ layers: all, coarse, middle, fine, A-B or A")
        ->allow_extra_args(false);
    app.add_option("--out-wplus", o->out_wplus, "Edited codes, .npy [N, num_ws, w_dim]");
    app.add_option("--out", o->out, "Edited images, .png/.jpg (side by side for several)");
    app.add_option("--noise", o->noise, "Noise: const (stored) or none")
        ->check(CLI::IsMember({"const", "none"}));
    app.add_option("--device", o->device, "auto, cpu or cuda");
    return [o] { return run_edit(*o); };
}

}  // namespace ls::cli
