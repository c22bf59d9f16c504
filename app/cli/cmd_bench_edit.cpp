// `bench-edit`: the speed of SeFa on a 1024 px config-f generator and of incremental renders
// (a fine-layer edit) against full renders, printed as JSON. A benchmark, not a test.
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_common.h"
#include "commands.h"
#include "edit/edit_stack.h"
#include "edit/incremental_renderer.h"
#include "edit/sefa.h"
#include "model_json.h"
#include "runtime/runtime.h"

namespace ls::cli {

namespace {

struct BenchEditOptions {
    std::string model, device = "cpu";
    int repeats = 7;
    bool sefa = true, render = true;
};

GeneratorConfig rosinality_config(int size, int multiplier) {
    GeneratorConfig c;
    c.resolution = size;
    c.z_dim = c.w_dim = 512;
    c.mapping_layers = 8;
    c.channels = rosinality_channels(size, multiplier);
    c.channel_multiplier = multiplier;
    return c;
}

void synchronize(const at::Device& device) {
    if (!device.is_cpu()) (void)at::zeros({1}, at::TensorOptions().device(device)).cpu();
}

// Milliseconds of `f` over `repeats` runs after one warm-up: min and median.
nlohmann::json time_ms(int repeats, const at::Device& device, const std::function<void(int)>& f) {
    std::vector<double> ms;
    for (int r = 0; r <= repeats; ++r) {
        synchronize(device);
        const auto t0 = std::chrono::steady_clock::now();
        f(r);
        synchronize(device);
        const auto t1 = std::chrono::steady_clock::now();
        if (r > 0) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return {{"median_ms", ms[ms.size() / 2]}, {"min_ms", ms.front()}, {"repeats", repeats}};
}

nlohmann::json bench_sefa(int repeats, const at::Device& device) {
    const auto t0 = std::chrono::steady_clock::now();
    Model m = random_model(rosinality_config(1024, 2), std::nullopt, 0, device);
    const double build_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    auto& g = *m.generator;
    nlohmann::json out;
    out["model"] = "random-1024-config-f";
    out["model_build_ms"] = build_ms;
    out["cases"] = nlohmann::json::array();
    for (const std::string layers : {"all", "coarse", "fine"}) {
        const edit::LayerRange range = edit::preset_range(g.config(), layers);
        int64_t rows = 0;
        nlohmann::json j =
            time_ms(repeats, device, [&](int) { rows = edit::sefa(g, range, 10).stacked_rows; });
        j["layers"] = layers + " " + range.to_string();
        j["top"] = 10;
        j["stacked_rows"] = rows;
        out["cases"].push_back(j);
        std::cerr << "bench-edit: sefa " << layers << ": " << j["median_ms"].get<double>()
                  << " ms\n";
    }
    return out;
}

// A full render against an incremental one whose W+ changes from `layer` on (two strengths
// alternate, so that every render has something to redo).
nlohmann::json bench_render(Model& m, const std::string& name, int repeats,
                            const at::Device& device) {
    torch::NoGradGuard no_grad;
    auto& g = *m.generator;
    const GeneratorConfig& c = g.config();
    const at::Tensor wplus = g.z_to_wplus(at::randn({1, c.z_dim}).to(device));
    at::Tensor d = at::randn({c.w_dim});
    d = d / d.norm();
    auto edited = [&](const edit::LayerRange& r, int i) {
        return edit::apply_edits(wplus, {edit::Edit{d, i % 2 ? 1.0 : -1.0, r, true}});
    };
    const edit::LayerRange fine = edit::preset_range(c, "fine");
    nlohmann::json out;
    out["model"] = name;
    out["resolution"] = c.resolution;
    out["channels"] = generator_json(c)["channels"];
    out["full"] = time_ms(repeats, device, [&](int i) { (void)g.synthesis(edited(fine, i)); });
    out["incremental"] = nlohmann::json::array();
    // The fine preset, then edits that start in each later block.
    std::vector<int> firsts = {fine.first};
    for (int l = fine.first + 2; l < c.num_ws() - 1; l += 2) firsts.push_back(l);
    for (int first : firsts) {
        const edit::LayerRange r{first, c.num_ws() - 1};
        edit::IncrementalRenderer renderer(m.generator);
        (void)renderer.render(wplus);
        nlohmann::json j =
            time_ms(repeats, device, [&](int i) { (void)renderer.render(edited(r, i)); });
        j["layers"] = (first == fine.first ? "fine " : "") + r.to_string();
        j["restart_block"] = nn::GeneratorImpl::first_block_of_layer(first);
        j["restart_resolution"] = 4 << nn::GeneratorImpl::first_block_of_layer(first);
        j["speedup"] = out["full"]["median_ms"].get<double>() / j["median_ms"].get<double>();
        j["cache_hits"] = renderer.cache_hits();
        out["incremental"].push_back(j);
        std::cerr << "bench-edit: " << name << " layers " << r.to_string() << ": x"
                  << j["speedup"].get<double>() << "\n";
    }
    return out;
}

int run_bench_edit(const BenchEditOptions& o) {
    const at::Device device = runtime::pick_device(o.device);
    nlohmann::json report = bench_header(device);
    report["batch"] = 1;
    if (o.sefa) report["sefa"] = bench_sefa(o.repeats, device);
    if (o.render) {
        report["render"] = nlohmann::json::array();
        Model small = open_model(o.model, o.device);
        report["render"].push_back(
            bench_render(small, o.model.empty() ? small.path : o.model, o.repeats, device));
        at::manual_seed(0);
        Model big = random_model(rosinality_config(256, 1), std::nullopt, 0, device);
        report["render"].push_back(bench_render(big, "random-256-cm1", o.repeats, device));
    }
    std::cout << report.dump(2) << "\n";
    return kOk;
}

}  // namespace

Runner add_bench_edit(CLI::App& app) {
    auto o = std::make_shared<BenchEditOptions>();
    app.add_option("--model", o->model, "The small model for the render case; default: embedded");
    app.add_option("--repeats", o->repeats, "Timed runs per case (after one warm-up)")
        ->check(CLI::Range(1, 1000));
    app.add_option("--device", o->device, "cpu (default), auto or cuda");
    app.add_flag("!--no-sefa", o->sefa, "Skip the SeFa timing");
    app.add_flag("!--no-render", o->render, "Skip the render timings");
    return [o] { return run_bench_edit(*o); };
}

}  // namespace ls::cli
