#include "train/feature_net.h"

#include <nlohmann/json.hpp>

#include "io/safetensors.h"
#include "model/checkpoint.h"
#include "model/model_file.h"

namespace ls::train {

using json = nlohmann::json;

namespace {
const std::vector<float> kBlurTaps = {1, 3, 3, 1};
}

std::map<int, int> feature_channels(int resolution, int channel_max) {
    std::map<int, int> out;
    for (int res = 4; res <= resolution; res *= 2) out[res] = std::min(channel_max, 8192 / res);
    return out;
}

FeatureNetImpl::FeatureNetImpl(const FeatureNetConfig& c) : config_(c) {
    if (c.resolution < 4 || (c.resolution & (c.resolution - 1)) != 0 || c.outputs < 1) {
        throw std::invalid_argument(
            "a feature network needs a power-of-two resolution and outputs");
    }
    for (int res = 4; res <= c.resolution; res *= 2) {
        if (!c.channels.count(res))
            throw std::invalid_argument("no channel count for " + std::to_string(res) + " px");
    }
    convs = register_module("convs", torch::nn::ModuleList());
    convs->push_back(
        nn::ConvLayer(3, c.channels.at(c.resolution), 1, false, std::vector<float>{}, true, true));
    for (int res = c.resolution; res > 4; res /= 2) {
        convs->push_back(nn::ResBlock(c.channels.at(res), c.channels.at(res / 2), kBlurTaps));
    }
    const int ch4 = c.channels.at(4);
    final_conv = register_module(
        "final_conv", nn::ConvLayer(ch4, ch4, 3, false, std::vector<float>{}, true, true));
    final_linear = register_module("final_linear", torch::nn::ModuleList());
    final_linear->push_back(nn::EqualLinear(ch4 * 16, ch4, 1.0, true));
    final_linear->push_back(nn::EqualLinear(ch4, c.outputs, 1.0, false));
}

at::Tensor FeatureNetImpl::forward(const at::Tensor& images) {
    if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != config_.resolution ||
        images.size(3) != config_.resolution) {
        throw std::invalid_argument("images must be [N, 3, " + std::to_string(config_.resolution) +
                                    ", " + std::to_string(config_.resolution) + "]");
    }
    const auto format =
        images.device().is_cpu() ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
    at::Tensor x = convs[0]->as<nn::ConvLayerImpl>()->forward(images.contiguous(format), {});
    for (size_t i = 1; i < convs->size(); ++i) x = convs[i]->as<nn::ResBlockImpl>()->forward(x, {});
    x = final_conv->forward(x, {});
    x = x.contiguous().flatten(1);
    x = final_linear[0]->as<nn::EqualLinearImpl>()->forward(x);
    return final_linear[1]->as<nn::EqualLinearImpl>()->forward(x);
}

void save_feature_net(const std::string& path, FeatureNetImpl& net, const std::string& format,
                      std::map<std::string, std::string> metadata,
                      const std::vector<std::string>& names) {
    json channels = json::object();
    for (const auto& [res, ch] : net.config().channels) channels[std::to_string(res)] = ch;
    metadata["format"] = format;
    metadata["format_version"] = "1";
    metadata["config"] = json{{"resolution", net.config().resolution},
                              {"channels", channels},
                              {"outputs", net.config().outputs}}
                             .dump();
    if (!names.empty()) metadata["output_names"] = json(names).dump();
    std::vector<io::TensorBytes> tensors;
    append_module_tensors(net, "net.", io::DType::Float32, &tensors);
    io::write_safetensors(path, metadata, tensors);
}

FeatureNetFile load_feature_net(const std::string& path, const std::string& format,
                                const at::Device& device) {
    const io::SafetensorsFile file = io::read_safetensors(path);
    auto it = file.metadata.find("format");
    if (it == file.metadata.end() || it->second != format) {
        throw ModelError("'" + path + "' is not a " + format + " file");
    }
    FeatureNetFile out;
    out.metadata = file.metadata;
    FeatureNetConfig c;
    try {
        const json j = json::parse(file.metadata.at("config"));
        c.resolution = j.at("resolution").get<int>();
        c.outputs = j.at("outputs").get<int>();
        for (const auto& [res, ch] : j.at("channels").items())
            c.channels[std::stoi(res)] = ch.get<int>();
        if (auto n = file.metadata.find("output_names"); n != file.metadata.end()) {
            out.names = json::parse(n->second).get<std::vector<std::string>>();
        }
        out.net = FeatureNet(c);
    } catch (const std::exception& e) {
        throw ModelError("'" + path + "': its configuration cannot be read (" + e.what() + ")");
    }
    load_module_tensors(*out.net, file, "net.", "'" + path + "'");
    out.net->eval();
    out.net->to(device);
    return out;
}

}  // namespace ls::train
