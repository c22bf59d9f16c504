#include "edit/layer_range.h"

#include <cctype>
#include <stdexcept>

#include "model/generator.h"

namespace ls::edit {

namespace {

// The output size of the first block that W+ layer `layer` feeds.
int layer_resolution(int layer) {
    return 4 << nn::GeneratorImpl::first_block_of_layer(layer);
}

bool all_digits(const std::string& s) {
    if (s.empty() || s.size() > 4) return false;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

}  // namespace

std::string LayerRange::to_string() const {
    return std::to_string(first) + "-" + std::to_string(last);
}

void check_layer_range(const GeneratorConfig& config, const LayerRange& r) {
    if (r.first < 0 || r.first > r.last || r.last >= config.num_ws()) {
        throw std::invalid_argument("layer range " + r.to_string() + " is outside 0-" +
                                    std::to_string(config.num_ws() - 1));
    }
}

LayerRange all_layers(const GeneratorConfig& config) {
    return {0, config.num_ws() - 1};
}

const std::vector<std::string>& preset_names() {
    static const std::vector<std::string> names = {"all", "coarse", "middle", "fine"};
    return names;
}

LayerRange preset_range(const GeneratorConfig& config, const std::string& name) {
    if (name == "all") return all_layers(config);
    int lo = 0, hi = 0;  // resolutions, both included
    if (name == "coarse") {
        lo = 4, hi = 8;
    } else if (name == "middle") {
        lo = 16, hi = 32;
    } else if (name == "fine") {
        lo = 64, hi = 1 << 30;
    } else {
        throw std::invalid_argument("unknown layer preset '" + name +
                                    "' (all, coarse, middle, fine or A-B)");
    }
    int first = -1, last = -1;
    for (int l = 0; l < config.num_ws(); ++l) {
        const int res = layer_resolution(l);
        if (res < lo || res > hi) continue;
        if (first < 0) first = l;
        last = l;
    }
    if (first < 0) {
        throw std::invalid_argument("a " + std::to_string(config.resolution) + " px model has no " +
                                    name + " layers");
    }
    return {first, last};
}

LayerRange parse_layer_range(const std::string& text, const GeneratorConfig& config) {
    for (const auto& name : preset_names()) {
        if (text == name) return preset_range(config, name);
    }
    const auto dash = text.find('-');
    const std::string a = text.substr(0, dash);
    const std::string b = dash == std::string::npos ? a : text.substr(dash + 1);
    if (!all_digits(a) || !all_digits(b)) {
        throw std::invalid_argument("'" + text +
                                    "' is not a layer range (A-B, A, all, coarse, middle, fine)");
    }
    const LayerRange r{std::stoi(a), std::stoi(b)};
    const int n = config.num_ws();
    if (r.first > r.last || r.last >= n) {
        throw std::invalid_argument("layer range '" + text + "' is outside 0-" +
                                    std::to_string(n - 1) + " (this model's W+ layers)");
    }
    return r;
}

}  // namespace ls::edit
