// `grid`: one edit at several layer ranges (rows) and strengths (columns), as one labelled
// image; the quickest way to see which layers an attribute lives in.
#include <torch/csrc/autograd/grad_mode.h>

#include <cstdio>

#include "cli_common.h"
#include "commands.h"
#include "edit/direction_file.h"
#include "edit/grid_render.h"
#include "imaging/grid_image.h"
#include "imaging/image_file.h"
#include "model/tensor_npy.h"

namespace ls::cli {

namespace {

struct GridOptions {
    std::string model, device = "auto", wplus, direction, out, noise = "const";
    std::string seed;
    double truncation = 1.0;
    std::vector<std::string> ranges = {"coarse", "middle", "fine"};
    std::vector<double> strengths = {-3, -1.5, 0, 1.5, 3};
    bool labels = true;
};

at::Tensor start_code(const GridOptions& o, nn::GeneratorImpl& g) {
    const GeneratorConfig& c = g.config();
    if (!o.seed.empty()) {
        const std::vector<uint64_t> seeds = parse_seeds(o.seed);
        if (seeds.size() != 1) throw InputError("--seed takes one seed for a grid");
        torch::NoGradGuard no_grad;
        const at::Tensor z = z_from_seed(seeds[0], 1, c.z_dim).to(g.latent_avg.device());
        return g.truncate(g.broadcast(g.mapping(z)), o.truncation, c.truncation_cutoff);
    }
    const at::Tensor wp = read_batch(o.wplus, {c.num_ws(), c.w_dim}, "W+");
    if (wp.size(0) != 1) {
        throw InputError("'" + o.wplus + "' holds " + std::to_string(wp.size(0)) +
                         " codes; the grid takes one");
    }
    return wp;
}

std::string range_label(const std::string& text, const edit::LayerRange& r) {
    const std::string layers = r.first == r.last ? std::to_string(r.first) : r.to_string();
    if (text.find_first_not_of("0123456789-") != std::string::npos) return text + " " + layers;
    return (r.first == r.last ? "layer " : "layers ") + layers;
}

std::string strength_label(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, s == 0 ? "%g" : "%+g", s);
    return buf;
}

int run_grid(const GridOptions& o) {
    if (!is_image_path(o.out)) throw InputError("--out needs a .png or .jpg file name");
    check_output_path(o.out);
    if (o.ranges.empty() || o.strengths.empty() || o.ranges.size() * o.strengths.size() > 400) {
        throw InputError("a grid takes 1 to 400 cells (--ranges x --strengths)");
    }
    Model m = open_model(o.model, o.device);
    auto& g = *m.generator;
    if (g.config().img_channels != 3) throw InputError("this model does not make RGB images");
    edit::GridRequest req;
    req.wplus = start_code(o, g);
    req.direction = edit::load_direction(o.direction, g.config());
    req.strengths = o.strengths;
    req.noise = o.noise == "none" ? nn::NoiseMode::None : nn::NoiseMode::Const;
    std::vector<std::string> row_labels, column_labels;
    for (const auto& text : o.ranges) {
        req.ranges.push_back(edit::parse_layer_range(text, g.config()));
        row_labels.push_back(range_label(text, req.ranges.back()));
    }
    for (double s : o.strengths) column_labels.push_back(strength_label(s));
    const at::Tensor cells = edit::render_edit_grid(m.generator, req);
    if (!o.labels) row_labels.clear(), column_labels.clear();
    write_image(o.out,
                labelled_grid(tensor_to_rgb(cells), static_cast<int>(o.ranges.size()),
                              static_cast<int>(o.strengths.size()), row_labels, column_labels));
    return kOk;
}

}  // namespace

Runner add_grid(CLI::App& app) {
    auto o = std::make_shared<GridOptions>();
    app.add_option("--model", o->model, "Model file; default: the embedded model");
    auto* wp = app.add_option("--wplus", o->wplus, "The code, .npy [1, num_ws, w_dim]")
                   ->check(CLI::ExistingFile);
    auto* seed = app.add_option("--seed", o->seed, "Or a seed (z as NumPy's RandomState)");
    wp->excludes(seed);
    app.add_option("--truncation", o->truncation, "Truncation psi, with --seed")
        ->check(CLI::Range(-10.0, 10.0));
    app.add_option("--direction", o->direction, "Direction, FILE.npy or FILE.npy:INDEX")
        ->required();
    app.add_option("--ranges", o->ranges, "Rows: coarse, middle, fine, all or A-B, comma-separated")
        ->delimiter(',');
    app.add_option("--strengths", o->strengths, "Columns, comma-separated")->delimiter(',');
    app.add_option("--out", o->out, "The grid, .png or .jpg")->required();
    app.add_option("--noise", o->noise, "Noise: const (stored) or none")
        ->check(CLI::IsMember({"const", "none"}));
    app.add_flag("!--no-labels", o->labels, "Leave out the row and column labels");
    app.add_option("--device", o->device, "auto, cpu or cuda");
    return [o, wp, seed] {
        if (!*wp && !*seed) throw UsageError("give --wplus or --seed");
        return run_grid(*o);
    };
}

}  // namespace ls::cli
