#include <torch/csrc/autograd/generated/variable_factories.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "cli_common.h"
#include "commands.h"
#include "model_json.h"
#include "runtime/runtime.h"

namespace ls::cli {

namespace {

struct BenchOptions {
    std::vector<std::string> models;
    std::vector<int> sizes = {256, 1024};
    std::vector<int> batches = {1, 8};
    int repeats = 3;
    std::string device = "auto";
};

// The real configurations the issue names: 256 px with channel multiplier 1, and the
// 1024 px "config-f" (multiplier 2), both with w_dim 512 and 8 mapping layers.
GeneratorConfig real_config(int size) {
    GeneratorConfig c;
    c.resolution = size;
    c.z_dim = c.w_dim = 512;
    c.mapping_layers = 8;
    const int multiplier = size >= 1024 ? 2 : 1;
    c.channels = rosinality_channels(size, multiplier);
    c.channel_multiplier = multiplier;
    return c;
}

void synchronize(const at::Device& device) {
    // A host copy of a scalar waits for the device's queue: no CUDA headers needed here.
    if (!device.is_cpu()) (void)at::zeros({1}, at::TensorOptions().device(device)).cpu();
}

nlohmann::json time_generator(nn::GeneratorImpl& g, int batch, int repeats,
                              const at::Device& device) {
    torch::NoGradGuard no_grad;
    const at::Tensor z = at::randn({batch, g.config().z_dim}).to(device);
    const at::Tensor wplus = g.broadcast(g.mapping(z));
    std::vector<double> ms;
    for (int r = 0; r < repeats + 1; ++r) {  // the first run warms up and is not counted
        synchronize(device);
        const auto t0 = std::chrono::steady_clock::now();
        (void)g.synthesis(g.broadcast(g.mapping(z)));
        synchronize(device);
        const auto t1 = std::chrono::steady_clock::now();
        if (r > 0) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count() / batch);
    }
    std::sort(ms.begin(), ms.end());
    nlohmann::json j;
    j["batch"] = batch;
    j["repeats"] = repeats;
    j["ms_per_image_min"] = ms.front();
    j["ms_per_image_median"] = ms[ms.size() / 2];
    j["images_per_second"] = 1000.0 / ms[ms.size() / 2];
    return j;
}

int run_bench(const BenchOptions& o) {
    const at::Device device = runtime::pick_device(o.device);
    nlohmann::json report = bench_header(device);
    report["results"] = nlohmann::json::array();
    auto bench_model = [&](Model& m, const std::string& name) {
        for (int batch : o.batches) {
            nlohmann::json r = time_generator(*m.generator, batch, o.repeats, device);
            r["model"] = name;
            r["resolution"] = m.generator->config().resolution;
            r["channels"] = generator_json(m.generator->config())["channels"];
            report["results"].push_back(r);
            std::cerr << "bench: " << name << " batch " << batch << ": "
                      << r["ms_per_image_median"].get<double>() << " ms/image\n";
        }
    };
    for (const auto& path : o.models) {
        Model m = load_model(path, device);
        bench_model(m, path);
    }
    for (int size : o.sizes) {
        Model m = random_model(real_config(size), std::nullopt, 0, device);
        bench_model(m, "random-" + std::to_string(size) + (size >= 1024 ? "-config-f" : "-cm1"));
    }
    std::cout << report.dump(2) << "\n";
    return kOk;
}

}  // namespace

Runner add_bench(CLI::App& app) {
    auto o = std::make_shared<BenchOptions>();
    app.add_option("--model", o->models, "Model files to time (repeatable)");
    app.add_option("--sizes", o->sizes,
                   "Randomly initialised real-size networks to time (256: channel multiplier 1, "
                   "1024: config-f); 0 for none")
        ->delimiter(',');
    app.add_option("--batches", o->batches, "Batch sizes")->delimiter(',');
    app.add_option("--repeats", o->repeats, "Timed runs per case (after one warm-up)")
        ->check(CLI::Range(1, 1000));
    app.add_option("--device", o->device, "auto, cpu or cuda");
    return [o] {
        BenchOptions opts = *o;
        opts.sizes.erase(std::remove(opts.sizes.begin(), opts.sizes.end(), 0), opts.sizes.end());
        for (int s : opts.sizes) {
            if (s < 8 || (s & (s - 1)) != 0) throw UsageError("--sizes takes powers of two >= 8");
        }
        return run_bench(opts);
    };
}

}  // namespace ls::cli
