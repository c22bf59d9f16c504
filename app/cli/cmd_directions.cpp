// `directions sefa|pca|boundary|pair`: discover or build semantic directions, written as
// .npy files that InterFaceGAN-style tools (and `edit`, `grid`) read.
#include <torch/csrc/autograd/grad_mode.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "edit/boundary.h"
#include "edit/conditional.h"
#include "edit/direction_file.h"
#include "edit/ganspace.h"
#include "edit/pair_direction.h"
#include "edit/scores_csv.h"
#include "edit/sefa.h"
#include "io/npy.h"
#include "model/tensor_npy.h"

namespace ls::cli {

namespace {

struct SefaArgs {
    std::string model, device = "auto", layers = "all", out, eigenvalues_out;
    int top = 5;
    bool exclude_to_rgb = false, unit_rows = false;
};

struct PcaArgs {
    std::string model, device = "auto", out, std_out;
    int64_t samples = 10000;
    int top = 10;
    uint64_t seed = 0;
};

struct BoundaryArgs {
    std::string codes, scores, column, out;
    std::vector<std::string> conditions;
    double ratio = 0.02, split = 0.7, c = 1.0;
};

struct PairArgs {
    std::string from, to, out;
};

// Output files are checked before any work, so that a bad path fails fast and nothing
// partial is ever left (the writes themselves are atomic).
void check_npy_output(const std::string& path, const std::string& option) {
    if (path.size() < 5 || path.substr(path.size() - 4) != ".npy") {
        throw InputError(option + " needs a .npy file name, not '" + path + "'");
    }
    check_output_path(path);
}

void write_tensor(const std::string& path, const at::Tensor& t) {
    io::write_npy(path, tensor_to_npy(t.detach().to(at::kCPU, at::kFloat).contiguous()));
}

std::vector<double> to_vector(const at::Tensor& t) {
    const at::Tensor d = t.to(at::kCPU, at::kDouble).contiguous();
    return {d.data_ptr<double>(), d.data_ptr<double>() + d.numel()};
}

int run_sefa(const SefaArgs& o) {
    check_npy_output(o.out, "--out");
    if (!o.eigenvalues_out.empty()) check_npy_output(o.eigenvalues_out, "--eigenvalues-out");
    Model m = open_model(o.model, o.device);
    auto& g = *m.generator;
    const edit::LayerRange range = edit::parse_layer_range(o.layers, g.config());
    edit::SefaOptions so;
    so.include_to_rgb = !o.exclude_to_rgb;
    so.unit_rows = o.unit_rows;
    const edit::SefaResult r = edit::sefa(g, range, o.top, so);
    write_tensor(o.out, r.directions);
    if (!o.eigenvalues_out.empty()) write_tensor(o.eigenvalues_out, r.eigenvalues);
    nlohmann::json j;
    j["layers"] = range.to_string();
    j["directions"] = o.top;
    j["w_dim"] = g.config().w_dim;
    j["stacked_rows"] = r.stacked_rows;
    j["eigenvalues"] = to_vector(r.eigenvalues);
    std::cout << j.dump() << "\n";
    return kOk;
}

int run_pca(const PcaArgs& o) {
    check_npy_output(o.out, "--out");
    if (!o.std_out.empty()) check_npy_output(o.std_out, "--std-out");
    Model m = open_model(o.model, o.device);
    const edit::PcaResult r = edit::ganspace(*m.generator, o.samples, o.top, o.seed);
    write_tensor(o.out, r.components);
    if (!o.std_out.empty()) write_tensor(o.std_out, r.stddev);
    nlohmann::json j;
    j["samples"] = r.samples;
    j["directions"] = o.top;
    j["stddev"] = to_vector(r.stddev);
    std::cout << j.dump() << "\n";
    return kOk;
}

at::Tensor read_codes(const std::string& path) {
    at::Tensor codes = read_npy_tensor(path);
    if (codes.dim() == 3 && codes.size(1) == 1) codes = codes.squeeze(1);
    if (codes.dim() != 2 || codes.size(0) == 0) {
        throw InputError("'" + path + "' has shape " + shape_string(codes.sizes()) +
                         "; boundaries are trained on w codes [N, w_dim]");
    }
    return codes;
}

int run_boundary(const BoundaryArgs& o) {
    check_npy_output(o.out, "--out");
    const at::Tensor codes = read_codes(o.codes);
    const std::vector<double> scores = edit::read_scores_csv(o.scores, o.column);
    const auto w_dim = static_cast<int>(codes.size(1));
    std::vector<at::Tensor> conditions;
    for (const auto& spec : o.conditions) {
        const edit::DirectionSpec s = edit::parse_direction_spec(spec);
        conditions.push_back(
            edit::select_direction(read_npy_tensor(s.path), s.index, 0, w_dim, "'" + s.path + "'"));
    }
    edit::BoundaryOptions bo;
    bo.ratio = o.ratio;
    bo.split = o.split;
    bo.c = o.c;
    const edit::BoundaryResult r = edit::train_boundary(codes, scores, bo);
    const at::Tensor normal =
        conditions.empty() ? r.normal : edit::project_off(r.normal, conditions);
    edit::save_direction(o.out, normal);
    nlohmann::json j;
    j["codes"] = codes.size(0);
    j["chosen_per_side"] = r.chosen_per_side;
    j["train_accuracy"] = r.train_accuracy;
    j["validation_accuracy"] = r.validation_accuracy;
    j["conditions"] = conditions.size();
    std::cout << j.dump() << "\n";
    return kOk;
}

int run_pair(const PairArgs& o) {
    check_npy_output(o.out, "--out");
    const edit::PairDirection p =
        edit::direction_from_pair(read_npy_tensor(o.from), read_npy_tensor(o.to));
    edit::save_direction(o.out, p.direction);
    nlohmann::json j;
    j["length"] = p.length;
    j["shape"] = p.direction.dim() == 1 ? std::vector<int64_t>{1, p.direction.size(0)}
                                        : p.direction.sizes().vec();
    std::cout << j.dump() << "\n";
    return kOk;
}

void add_model_options(CLI::App* app, std::string* model, std::string* device) {
    app->add_option("--model", *model, "Model file; default: the embedded model");
    app->add_option("--device", *device, "auto, cpu or cuda");
}

Runner add_sefa(CLI::App* app) {
    auto o = std::make_shared<SefaArgs>();
    add_model_options(app, &o->model, &o->device);
    app->add_option("--layers", o->layers, "W+ layers: all, coarse, middle, fine, A-B or A");
    app->add_option("--top", o->top, "How many directions, strongest first")->required();
    app->add_option("--out", o->out, "Directions, .npy [K, w_dim] float32 unit rows")->required();
    app->add_option("--eigenvalues-out", o->eigenvalues_out, "Eigenvalues, .npy [K]");
    app->add_flag("--exclude-to-rgb", o->exclude_to_rgb,
                  "Stack only the convolutions' modulations (rosinality's script)");
    app->add_flag("--unit-rows", o->unit_rows,
                  "Normalise each style channel's weights first (genforce/sefa)");
    return [o] { return run_sefa(*o); };
}

Runner add_pca(CLI::App* app) {
    auto o = std::make_shared<PcaArgs>();
    add_model_options(app, &o->model, &o->device);
    app->add_option("--samples", o->samples, "Sampled codes")
        ->check(CLI::Range(int64_t{2}, int64_t{10000000}));
    app->add_option("--top", o->top, "How many components")->required();
    app->add_option("--seed", o->seed, "Seed of the sampled z");
    app->add_option("--out", o->out, "Components, .npy [K, w_dim] float32 unit rows")->required();
    app->add_option("--std-out", o->std_out, "Standard deviation along each, .npy [K]");
    return [o] { return run_pca(*o); };
}

Runner add_boundary(CLI::App* app) {
    auto o = std::make_shared<BoundaryArgs>();
    app->add_option("--codes", o->codes, "w codes, .npy [N, w_dim]")
        ->required()
        ->check(CLI::ExistingFile);
    app->add_option("--scores", o->scores, "Scores, CSV: one column or --column")
        ->required()
        ->check(CLI::ExistingFile);
    app->add_option("--column", o->column, "The CSV column (by its header) to use");
    app->add_option("--ratio", o->ratio,
                    "Fraction (<= 1) or count (> 1) of codes from each end of the ranking");
    app->add_option("--split", o->split, "Share of the chosen codes that trains the SVM")
        ->check(CLI::Range(0.01, 1.0));
    app->add_option("-C,--svm-c", o->c, "The SVM's regularisation constant")
        ->check(CLI::PositiveNumber);
    app->add_option("--condition", o->conditions,
                    "A boundary to stay orthogonal to, FILE.npy[:INDEX] (repeatable)");
    app->add_option("--out", o->out, "The unit normal, .npy [1, w_dim]")->required();
    return [o] { return run_boundary(*o); };
}

Runner add_pair(CLI::App* app) {
    auto o = std::make_shared<PairArgs>();
    app->add_option("--from", o->from, "The first code, .npy w or W+")
        ->required()
        ->check(CLI::ExistingFile);
    app->add_option("--to", o->to, "The second code, same shape")
        ->required()
        ->check(CLI::ExistingFile);
    app->add_option("--out", o->out, "(to - from) / |to - from|, .npy")->required();
    return [o] { return run_pair(*o); };
}

}  // namespace

Runner add_directions(CLI::App& app) {
    app.require_subcommand(1);
    std::vector<std::pair<CLI::App*, Runner>> subs;
    auto add = [&](const char* name, const char* help, Runner (*adder)(CLI::App*)) {
        CLI::App* sub = app.add_subcommand(name, help);
        subs.emplace_back(sub, adder(sub));
    };
    add("sefa", "Closed-form factorisation of the style weights (SeFa)", add_sefa);
    add("pca", "Principal components of sampled w (GANSpace)", add_pca);
    add("boundary", "An InterFaceGAN boundary from codes and scores (linear SVM)", add_boundary);
    add("pair", "The direction from one code to another", add_pair);
    return [subs] {
        for (const auto& [sub, run] : subs) {
            if (sub->parsed()) return run();
        }
        throw UsageError("give one of sefa, pca, boundary or pair");
    };
}

}  // namespace ls::cli
