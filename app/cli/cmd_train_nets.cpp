// latent-studio-cli train classifier | encoder | boundaries: the networks and directions that
// come with a model (issue 3), each a file with its provenance in its metadata.
#include <torch/csrc/autograd/grad_mode.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "io/npy.h"
#include "model/tensor_npy.h"
#include "portrait/attributes.h"
#include "runtime/runtime.h"
#include "train/net_trainers.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace ls::cli {

namespace {

struct Clock {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
};

// Progress on stderr; stops when `minutes` (> 0) have passed.
train::Progress progress_line(const char* what, int64_t total, double minutes, const Clock& clock) {
    return [=](int64_t i, double loss) {
        std::fprintf(stderr, "%s: %lld/%lld  loss %.5f  %.0fs\n", what, static_cast<long long>(i),
                     static_cast<long long>(total), loss, clock.seconds());
        return !(minutes > 0 && clock.seconds() > minutes * 60);
    };
}

json metrics_json(const std::vector<train::AttributeMetrics>& metrics) {
    json out = json::array();
    for (const auto& m : metrics) {
        out.push_back({{"attribute", m.name},
                       {"binary", m.binary},
                       {"accuracy", m.accuracy},
                       {"mean_abs_error", m.mean_abs_error},
                       {"correlation", m.correlation}});
    }
    return out;
}

struct ClassifierCommand {
    train::ClassifierOptions options;
    std::string out, device = "auto";
    double minutes = 0;
    int eval_count = 2000;
};

int run_classifier(const ClassifierCommand& c) {
    check_output_path(c.out);
    const at::Device device = runtime::pick_device(c.device);
    Clock clock;
    train::FeatureNet net = train::train_classifier(
        c.options, device, progress_line("classifier", c.options.iterations, c.minutes, clock));
    const double train_seconds = clock.seconds();
    const auto metrics = train::evaluate_classifier(*net, c.eval_count, device);
    const json report = {{"held_out_images", c.eval_count},
                         {"train_seconds", train_seconds},
                         {"device", runtime::describe_device(device)},
                         {"attributes", metrics_json(metrics)}};
    std::vector<std::string> names;
    for (const auto& a : portrait::attribute_table()) names.push_back(a.name);
    train::save_feature_net(c.out, *net, train::kClassifierFormat,
                            {{"command", invoked_command_line()},
                             {"evaluation", report.dump()},
                             {"targets", "attributes scaled from their ranges to -1..1"}},
                            names);
    std::cout << report.dump(2) << "\n";
    return kOk;
}

struct EvalCommand {
    std::string classifier, device = "auto";
    int count = 2000;
};

int run_eval(const EvalCommand& c) {
    const at::Device device = runtime::pick_device(c.device);
    train::FeatureNetFile f =
        train::load_feature_net(c.classifier, train::kClassifierFormat, device);
    torch::NoGradGuard no_grad;
    const auto metrics = train::evaluate_classifier(*f.net, c.count, device);
    std::cout << json{{"held_out_images", c.count}, {"attributes", metrics_json(metrics)}}.dump(2)
              << "\n";
    return kOk;
}

struct EncoderCommand {
    train::EncoderOptions options;
    std::string model, out, device = "auto";
    double minutes = 0;
};

int run_encoder(const EncoderCommand& c) {
    check_output_path(c.out);
    Model m = open_model(c.model, c.device);
    const at::Device device = m.generator->latent_avg.device();
    Clock clock;
    train::FeatureNet net = train::train_encoder(
        *m.generator, m.discriminator ? m.discriminator.get() : nullptr, c.options, device,
        progress_line("encoder", c.options.iterations, c.minutes, clock));
    // Held-out check: codes from seeds the training never drew (it uses CPU generators).
    torch::NoGradGuard no_grad;
    auto& g = *m.generator;
    const at::Tensor z = z_from_seed(123456789, 64, g.config().z_dim).to(device);
    const at::Tensor wplus = g.broadcast(g.mapping(z));
    const at::Tensor img = g.synthesis(wplus, nn::NoiseMode::Const);
    const at::Tensor recon = g.synthesis(train::encode(*net, g, img), nn::NoiseMode::Const);
    const double mse = (recon - img).square().mean().item<double>() / 4.0;  // on a 0..1 scale
    const json report = {{"train_seconds", clock.seconds()},
                         {"held_out_codes", 64},
                         {"reconstruction_psnr_db", -10.0 * std::log10(std::max(mse, 1e-12))},
                         {"device", runtime::describe_device(device)}};
    train::save_feature_net(c.out, *net, train::kEncoderFormat,
                            {{"command", invoked_command_line()},
                             {"generator", m.path},
                             {"evaluation", report.dump()},
                             {"outputs", "W+ minus the generator's latent_avg, [num_ws, w_dim]"}});
    std::cout << report.dump(2) << "\n";
    return kOk;
}

struct BoundariesCommand {
    std::string model, classifier, out_dir, device = "auto", method = "svm", layers = "all";
    int count = 20000;
    double ridge = 0.01;
    edit::BoundaryOptions options;
};

std::vector<train::GradientDirection> gradient_directions(const BoundariesCommand& c, Model& m,
                                                          train::FeatureNetFile& f,
                                                          const edit::LayerRange& layers,
                                                          const train::Progress& progress) {
    train::GradientDirectionOptions o;
    o.count = c.count;
    o.method = c.method == "gradient-specific" ? train::GradientMethod::Specific
                                               : train::GradientMethod::OrthogonalMean;
    o.layers = layers;
    o.ridge = c.ridge;
    return train::attribute_gradient_directions(*m.generator, *f.net, f.names, o, progress);
}

// Writes <out-dir>/<attribute>.npy ([w_dim] float32 unit normals) and boundaries.json.
int run_boundaries(const BoundariesCommand& c) {
    if (c.method == "svm" && c.layers != "all")
        throw UsageError("--layers is for the gradient methods; an SVM boundary moves all layers");
    Model m = open_model(c.model, c.device);
    // Checked before anything is written.
    const edit::LayerRange layers = edit::parse_layer_range(c.layers, m.generator->config());
    const at::Device device = m.generator->latent_avg.device();
    train::FeatureNetFile f =
        train::load_feature_net(c.classifier, train::kClassifierFormat, device);
    fs::create_directories(c.out_dir);
    Clock clock;
    const auto report_progress = [&](int64_t done, double) {
        if (done % 2048 < 64)
            std::fprintf(stderr, "scored %lld codes\n", static_cast<long long>(done));
        return true;
    };
    json out = json::array();
    const bool gradient = c.method != "svm";
    if (gradient) {
        for (const auto& d : gradient_directions(c, m, f, layers, report_progress)) {
            io::write_npy((fs::path(c.out_dir) / (d.name + ".npy")).string(),
                          tensor_to_npy(d.direction));
            out.push_back({{"name", d.name},
                           {"file", d.name + ".npy"},
                           {"layers", {d.layers.first, d.layers.last}},
                           {"scale", d.slider_scale},
                           {"mean_slope", d.mean_slope}});
        }
    }
    const auto boundaries = gradient
                                ? std::vector<train::AttributeBoundary>{}
                                : train::attribute_boundaries(*m.generator, *f.net, f.names,
                                                              c.count, c.options, report_progress);
    for (const auto& b : boundaries) {
        const std::string file = (fs::path(c.out_dir) / (b.name + ".npy")).string();
        io::write_npy(file, tensor_to_npy(b.result.normal.contiguous()));
        out.push_back({{"name", b.name},
                       {"file", b.name + ".npy"},
                       {"scale", b.slider_scale},
                       {"train_accuracy", b.result.train_accuracy},
                       {"validation_accuracy", b.result.validation_accuracy},
                       {"chosen_per_side", b.result.chosen_per_side}});
    }
    json report = {{"codes", c.count}, {"method", c.method}};
    if (gradient) {
        report["layers"] = c.layers;
        if (c.method == "gradient-specific") report["ridge"] = c.ridge;
    } else {
        report["ratio"] = c.options.ratio;
    }
    report["seconds"] = clock.seconds();
    report["command"] = invoked_command_line();
    report["boundaries"] = out;
    const std::string text = report.dump(2) + "\n";
    io::write_file_atomic((fs::path(c.out_dir) / "boundaries.json").string(),
                          std::vector<uint8_t>(text.begin(), text.end()));
    std::cout << text;
    return kOk;
}

}  // namespace

void add_train_networks(CLI::App& app, std::map<CLI::App*, Runner>& runners) {
    auto cl = std::make_shared<ClassifierCommand>();
    CLI::App* cls = app.add_subcommand("classifier",
                                       "Train the portrait attribute classifier on "
                                       "rendered portraits; print held-out metrics");
    cls->add_option("--out", cl->out, "The classifier file (.safetensors)")->required();
    cls->add_option("--resolution", cl->options.resolution)
        ->check(CLI::IsMember({16, 32, 64, 128, 256}))
        ->capture_default_str();
    cls->add_option("--channel-max", cl->options.channel_max)
        ->check(CLI::Range(4, 1024))
        ->capture_default_str();
    cls->add_option("--batch", cl->options.batch)
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    cls->add_option("--lr", cl->options.lr)->capture_default_str();
    cls->add_option("--iterations", cl->options.iterations)
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cls->add_option("--minutes", cl->minutes, "Stop early after this many minutes");
    cls->add_option("--seed", cl->options.seed)->capture_default_str();
    cls->add_option("--eval-count", cl->eval_count, "Held-out portraits to measure")
        ->check(CLI::Range(100, 1000000))
        ->capture_default_str();
    cls->add_option("--device", cl->device)->capture_default_str();
    runners[cls] = [cl] { return run_classifier(*cl); };

    auto ev = std::make_shared<EvalCommand>();
    CLI::App* eval = app.add_subcommand("evaluate-classifier",
                                        "Measure a classifier on held-out "
                                        "rendered portraits (JSON)");
    eval->add_option("--classifier", ev->classifier)->required();
    eval->add_option("--count", ev->count)->check(CLI::Range(100, 1000000))->capture_default_str();
    eval->add_option("--device", ev->device)->capture_default_str();
    runners[eval] = [ev] { return run_eval(*ev); };

    auto en = std::make_shared<EncoderCommand>();
    CLI::App* enc = app.add_subcommand("encoder",
                                       "Train an encoder image -> W+ on a model's own "
                                       "samples (in-domain inversion's encoder)");
    enc->add_option("--model", en->model, "The generator (default: the embedded model)");
    enc->add_option("--out", en->out, "The encoder file (.safetensors)")->required();
    enc->add_option("--batch", en->options.batch)
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    enc->add_option("--lr", en->options.lr)->capture_default_str();
    enc->add_option("--iterations", en->options.iterations)
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    enc->add_option("--minutes", en->minutes, "Stop early after this many minutes");
    enc->add_option("--channel-max", en->options.channel_max)
        ->check(CLI::Range(4, 1024))
        ->capture_default_str();
    enc->add_option("--image-weight", en->options.image_weight)->capture_default_str();
    enc->add_option("--feature-weight", en->options.feature_weight)->capture_default_str();
    enc->add_option("--seed", en->options.seed)->capture_default_str();
    enc->add_option("--device", en->device)->capture_default_str();
    runners[enc] = [en] { return run_encoder(*en); };

    auto bo = std::make_shared<BoundariesCommand>();
    CLI::App* bnd = app.add_subcommand("boundaries",
                                       "Directions for every attribute the classifier "
                                       "scores: InterFaceGAN boundaries or mean gradients");
    bnd->add_option("--model", bo->model, "The generator (default: the embedded model)");
    bnd->add_option("--classifier", bo->classifier)->required();
    bnd->add_option("--out-dir", bo->out_dir, "Folder for <attribute>.npy and boundaries.json")
        ->required();
    bnd->add_option("--count", bo->count, "Codes to sample")
        ->check(CLI::Range(100, 10000000))
        ->capture_default_str();
    bnd->add_option("--ratio", bo->options.ratio, "Share (or number) of codes from each end")
        ->capture_default_str();
    bnd->add_option("--method", bo->method,
                    "svm: InterFaceGAN's linear SVM on the extreme codes; gradient: the mean "
                    "gradient of each score, orthogonal to the others' mean gradients; "
                    "gradient-specific: the direction that, code by code, moves the others "
                    "least for its own mean change (a few hundred codes are enough for both)")
        ->check(CLI::IsMember({"svm", "gradient", "gradient-specific"}))
        ->capture_default_str();
    bnd->add_option("--layers", bo->layers,
                    "gradient methods: the W+ layers the directions will move (all, coarse, "
                    "middle, fine, A-B or A)")
        ->capture_default_str();
    bnd->add_option("--ridge", bo->ridge,
                    "gradient-specific: the regularisation, relative to the others' mean "
                    "squared gradient (smaller: more specific, smaller own change)")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    bnd->add_option("--device", bo->device)->capture_default_str();
    runners[bnd] = [bo] { return run_boundaries(*bo); };
}

}  // namespace ls::cli
