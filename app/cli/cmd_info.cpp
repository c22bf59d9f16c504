#include <iostream>
#include <thread>

#include "cli_common.h"
#include "commands.h"
#include "model_json.h"
#include "runtime/runtime.h"

namespace ls::cli {

namespace {
nlohmann::json channels_json(const std::map<int, int>& channels) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [res, ch] : channels) out[std::to_string(res)] = ch;
    return out;
}

int64_t parameter_count(const torch::nn::Module& m) {
    int64_t n = 0;
    for (const auto& p : m.parameters()) n += p.numel();
    return n;
}
}  // namespace

nlohmann::json generator_json(const GeneratorConfig& c) {
    nlohmann::json j;
    j["resolution"] = c.resolution;
    j["z_dim"] = c.z_dim;
    j["w_dim"] = c.w_dim;
    j["num_ws"] = c.num_ws();
    j["mapping_layers"] = c.mapping_layers;
    j["mapping_lr_mul"] = c.mapping_lr_mul;
    j["channels"] = channels_json(c.channels);
    j["channel_multiplier"] =
        c.channel_multiplier ? nlohmann::json(*c.channel_multiplier) : nlohmann::json(nullptr);
    j["conv_clamp"] = c.conv_clamp ? nlohmann::json(*c.conv_clamp) : nlohmann::json(nullptr);
    j["img_channels"] = c.img_channels;
    j["architecture"] = c.architecture;
    j["noise_layers"] = c.num_noise_layers();
    return j;
}

nlohmann::json discriminator_json(const DiscriminatorConfig& c) {
    nlohmann::json j;
    j["resolution"] = c.resolution;
    j["channels"] = channels_json(c.channels);
    j["conv_clamp"] = c.conv_clamp ? nlohmann::json(*c.conv_clamp) : nlohmann::json(nullptr);
    j["mbstd_group_size"] = c.mbstd_group_size;
    j["mbstd_channels"] = c.mbstd_channels;
    j["architecture"] = c.architecture;
    return j;
}

nlohmann::json model_json(const Model& m) {
    nlohmann::json j;
    j["path"] = m.path;
    // A model folder's own name (the installed default model, a downloaded one).
    if (m.manifest) j["name"] = m.manifest->name;
    j["format"] = m.format;
    j["serialization"] = m.serialization;
    j["generator"] = generator_json(m.generator->config());
    j["generator"]["parameters"] = parameter_count(*m.generator);
    j["latent_avg"] = m.latent_avg_estimated ? "estimated from 10000 samples" : "stored";
    if (m.discriminator) {
        j["discriminator"] = discriminator_json(m.discriminator->config());
        j["discriminator"]["parameters"] = parameter_count(*m.discriminator);
    } else {
        j["discriminator"] = nullptr;
    }
    return j;
}

nlohmann::json bench_header(const at::Device& device) {
    nlohmann::json j;
    j["device"] = runtime::describe_device(device);
    j["threads"] = runtime::thread_count();
    j["hardware_threads"] = std::thread::hardware_concurrency();
    return j;
}

Runner add_info(CLI::App& app) {
    auto model = std::make_shared<std::string>();
    app.add_option("model", *model, "Model file (.pt or .pkl); default: the embedded model");
    app.add_option("--model", *model, "Same as the positional MODEL");
    return [model] {
        const Model m = open_model(*model, "cpu");
        std::cout << model_json(m).dump(2) << "\n";
        return kOk;
    };
}

}  // namespace ls::cli
