#include "model/checkpoint.h"

#include <functional>
#include <vector>

#include "io/torch_file.h"
#include "io/safetensors.h"
#include "io/value.h"
#include "model/model_file.h"

namespace ls {

namespace {

using io::Value;
using io::ValuePtr;

// ---------------------------------------------------------------- rosinality layout

StateDict dict_to_state(const Value& dict, const std::string& what) {
    if (!dict.is(Value::Kind::Dict)) throw ModelError(what + " is not a state dict");
    StateDict out;
    for (const auto& [k, v] : dict.dict) {
        if (!k->is(Value::Kind::String) || !v || !v->is(Value::Kind::Tensor)) continue;
        out[k->s] = to_tensor(*v->tensor);
    }
    return out;
}

const at::Tensor& need(const StateDict& state, const std::string& key, const std::string& what) {
    auto it = state.find(key);
    if (it == state.end()) {
        throw ModelError(what + " has no tensor '" + key + "': not a StyleGAN2 checkpoint");
    }
    return it->second;
}

std::optional<int> match_channel_multiplier(const GeneratorConfig& c) {
    for (int cm : {1, 2, 4, 8}) {
        if (rosinality_channels(c.resolution, cm) == c.channels) return cm;
    }
    return std::nullopt;
}

GeneratorConfig infer_rosinality_g(const StateDict& g) {
    const std::string what = "the generator";
    GeneratorConfig c;
    int n_mlp = 0;
    while (g.count("style." + std::to_string(n_mlp + 1) + ".weight")) ++n_mlp;
    if (n_mlp == 0) throw ModelError("the generator has no mapping layers ('style.1.weight')");
    c.mapping_layers = n_mlp;
    c.w_dim = static_cast<int>(need(g, "style.1.weight", what).size(0));
    c.z_dim = static_cast<int>(need(g, "style.1.weight", what).size(1));
    c.channels[4] = static_cast<int>(need(g, "input.input", what).size(1));
    c.img_channels = static_cast<int>(need(g, "to_rgb1.conv.weight", what).size(1));
    int blocks = 0;
    while (g.count("to_rgbs." + std::to_string(blocks) + ".conv.weight")) ++blocks;
    c.resolution = 4 << blocks;
    for (int k = 0; k < blocks; ++k) {
        const auto& w = need(g, "convs." + std::to_string(2 * k) + ".conv.weight", what);
        c.channels[8 << k] = static_cast<int>(w.size(1));
    }
    c.channel_multiplier = match_channel_multiplier(c);
    return c;
}

DiscriminatorConfig infer_rosinality_d(const StateDict& d) {
    const std::string what = "the discriminator";
    DiscriminatorConfig c;
    int blocks = 0;
    while (d.count("convs." + std::to_string(blocks + 1) + ".conv1.0.weight")) ++blocks;
    c.resolution = 4 << blocks;
    c.img_channels = static_cast<int>(need(d, "convs.0.0.weight", what).size(1));
    c.channels[c.resolution] = static_cast<int>(need(d, "convs.0.0.weight", what).size(0));
    for (int j = 1; j <= blocks; ++j) {
        const auto& w = need(d, "convs." + std::to_string(j) + ".conv2.1.weight", what);
        c.channels[c.resolution >> j] = static_cast<int>(w.size(0));
    }
    const auto& fc = need(d, "final_conv.0.weight", what);
    c.channels[4] = static_cast<int>(fc.size(0));
    c.mbstd_channels = static_cast<int>(fc.size(1)) - c.channels[4];
    c.mbstd_group_size = 4;  // fixed in rosinality's code
    return c;
}

void read_rosinality(const Value& top, Checkpoint& out) {
    out.format = "rosinality-pt";
    ValuePtr g = top.get("g_ema");
    if (!g) g = top.get("g");
    if (g) {
        out.g_state = dict_to_state(*g, "'g_ema'");
    } else if (top.get("style.1.weight")) {
        out.g_state = dict_to_state(top, "the file");  // a bare generator state dict
    } else {
        throw ModelError(
            "the file holds no generator: expected a key 'g_ema' (rosinality "
            "checkpoint) or 'G_ema' (stylegan2-ada network pickle)");
    }
    out.g_config = infer_rosinality_g(out.g_state);
    if (ValuePtr avg = top.get("latent_avg"); avg && avg->is(Value::Kind::Tensor)) {
        out.g_state["latent_avg"] = to_tensor(*avg->tensor).reshape({-1});
    }
    if (ValuePtr d = top.get("d"); d && d->is(Value::Kind::Dict)) {
        out.d_state = dict_to_state(*d, "'d'");
        out.d_config = infer_rosinality_d(out.d_state);
    }
}

// ---------------------------------------------------------------- stylegan2-ada layout

// An ada persistent object's parameters and buffers, flattened with dotted names.
void flatten_module(const Value& module, const std::string& prefix,
                    std::map<std::string, at::Tensor>& out) {
    for (const char* section : {"_parameters", "_buffers"}) {
        ValuePtr d = module.get(section);
        if (!d || !d->is(Value::Kind::Dict)) continue;
        for (const auto& [k, v] : d->dict) {
            if (k->is(Value::Kind::String) && v && v->is(Value::Kind::Tensor)) {
                out[prefix + k->s] = to_tensor(*v->tensor);
            }
        }
    }
    if (ValuePtr mods = module.get("_modules"); mods && mods->is(Value::Kind::Dict)) {
        for (const auto& [k, v] : mods->dict) {
            if (k->is(Value::Kind::String) && v && v->is(Value::Kind::Object)) {
                flatten_module(*v, prefix + k->s + ".", out);
            }
        }
    }
}

ValuePtr submodule(const Value& module, const std::string& name) {
    ValuePtr mods = module.get("_modules");
    return mods ? mods->get(name) : nullptr;
}

ValuePtr need_submodule(const Value& module, const std::string& dotted) {
    ValuePtr cur = std::make_shared<Value>(module);
    size_t start = 0;
    while (start <= dotted.size()) {
        const size_t dot = dotted.find('.', start);
        const std::string part = dotted.substr(start, dot == std::string::npos ? dot : dot - start);
        ValuePtr next = submodule(*cur, part);
        if (!next) throw ModelError("the network pickle has no module '" + dotted + "'");
        cur = next;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return cur;
}

std::optional<double> optional_number(const ValuePtr& v) {
    if (!v || v->is(Value::Kind::None)) return std::nullopt;
    return v->as_number("a network attribute");
}

int int_attr(const Value& module, const char* name) {
    ValuePtr v = module.get(name);
    if (!v) throw ModelError(std::string("the network pickle has no attribute '") + name + "'");
    return static_cast<int>(v->as_int(name));
}

std::string string_attr(const Value& module, const char* name, const std::string& fallback) {
    ValuePtr v = module.get(name);
    return v && v->is(Value::Kind::String) ? v->s : fallback;
}

using Rename = std::function<void(const std::string& from, const std::string& to, double gain)>;

void convert_ada_g(const Value& G, Checkpoint& out) {
    ValuePtr mapping = need_submodule(G, "mapping");
    ValuePtr synthesis = need_submodule(G, "synthesis");
    if (submodule(*synthesis, "input")) {
        throw ModelError("this is a StyleGAN3 network, which Latent Studio does not run yet");
    }
    if (int_attr(*mapping, "c_dim") > 0) {
        throw ModelError(
            "this is a conditional (class-labelled) network, which Latent Studio "
            "does not run yet");
    }
    GeneratorConfig& c = out.g_config;
    c.z_dim = int_attr(*mapping, "z_dim");
    c.w_dim = int_attr(*mapping, "w_dim");
    c.mapping_layers = int_attr(*mapping, "num_layers");
    c.resolution = int_attr(*synthesis, "img_resolution");
    c.img_channels = int_attr(*synthesis, "img_channels");
    if (ValuePtr fc0 = submodule(*mapping, "fc0")) {
        if (auto lr = optional_number(fc0->get("bias_gain"))) c.mapping_lr_mul = *lr;
    }

    StateDict ada;
    flatten_module(G, "", ada);
    auto take = [&](const std::string& from, const std::string& to, double gain = 1.0,
                    std::vector<int64_t> shape = {}) {
        auto it = ada.find(from);
        if (it == ada.end()) throw ModelError("the network pickle has no tensor '" + from + "'");
        at::Tensor t = it->second * gain;
        if (!shape.empty()) t = t.reshape(shape);
        out.g_state[to] = t;
    };
    for (int i = 0; i < c.mapping_layers; ++i) {
        const std::string from = "mapping.fc" + std::to_string(i);
        const std::string to = "style." + std::to_string(i + 1);
        take(from + ".weight", to + ".weight");
        take(from + ".bias", to + ".bias");
    }
    if (ada.count("mapping.w_avg")) take("mapping.w_avg", "latent_avg");

    auto layer = [&](const std::string& from, const std::string& to, bool up) {
        const at::Tensor& w = ada.at(from + ".weight");
        take(from + ".weight", to + ".conv.weight", 1.0,
             {1, w.size(0), w.size(1), w.size(2), w.size(3)});
        take(from + ".affine.weight", to + ".conv.modulation.weight");
        take(from + ".affine.bias", to + ".conv.modulation.bias");
        take(from + ".noise_strength", to + ".noise.weight", 1.0, {1});
        take(from + ".bias", to + ".activate.bias");
        if (up) take(from + ".resample_filter", to + ".conv.blur.kernel", 4.0);
    };
    auto torgb = [&](const std::string& from, const std::string& to) {
        const at::Tensor& w = ada.at(from + ".weight");
        take(from + ".weight", to + ".conv.weight", 1.0, {1, w.size(0), w.size(1), 1, 1});
        take(from + ".affine.weight", to + ".conv.modulation.weight");
        take(from + ".affine.bias", to + ".conv.modulation.bias");
        take(from + ".bias", to + ".bias", 1.0, {1, w.size(0), 1, 1});
    };

    int noise = 0;
    for (int res = 4, k = -1; res <= c.resolution; res *= 2, ++k) {
        const std::string b = "synthesis.b" + std::to_string(res);
        ValuePtr block = need_submodule(*synthesis, "b" + std::to_string(res));
        const std::string arch = string_attr(*block, "architecture", "skip");
        if (arch != "skip") {
            throw ModelError("synthesis architecture '" + arch +
                             "' is not supported (only 'skip')");
        }
        ValuePtr conv1 = need_submodule(*block, "conv1");
        if (res == 4) {
            c.conv_clamp = optional_number(conv1->get("conv_clamp"));
            const at::Tensor& konst = ada.at(b + ".const");
            take(b + ".const", "input.input", 1.0,
                 {1, konst.size(0), konst.size(1), konst.size(2)});
            layer(b + ".conv1", "conv1", false);
            torgb(b + ".torgb", "to_rgb1");
            c.channels[4] = static_cast<int>(konst.size(0));
        } else {
            layer(b + ".conv0", "convs." + std::to_string(2 * k), true);
            layer(b + ".conv1", "convs." + std::to_string(2 * k + 1), false);
            torgb(b + ".torgb", "to_rgbs." + std::to_string(k));
            take(b + ".resample_filter", "to_rgbs." + std::to_string(k) + ".upsample.kernel", 4.0);
            c.channels[res] = static_cast<int>(ada.at(b + ".conv1.weight").size(0));
        }
        for (const char* l : {"conv0", "conv1"}) {
            const std::string key = b + "." + l + ".noise_const";
            if (!ada.count(key)) continue;
            const at::Tensor& n = ada.at(key);
            take(key, "noises.noise_" + std::to_string(noise++), 1.0, {1, 1, n.size(0), n.size(1)});
        }
    }
    c.channel_multiplier = match_channel_multiplier(c);
}

void convert_ada_d(const Value& D, Checkpoint& out) {
    DiscriminatorConfig c;
    c.resolution = int_attr(D, "img_resolution");
    c.img_channels = int_attr(D, "img_channels");
    if (ValuePtr cdim = D.get("c_dim"); cdim && cdim->as_int("c_dim") > 0) {
        throw ModelError("conditional discriminators are not supported");
    }
    StateDict ada;
    flatten_module(D, "", ada);
    auto take = [&](const std::string& from, const std::string& to) {
        auto it = ada.find(from);
        if (it == ada.end()) throw ModelError("the network pickle has no tensor '" + from + "'");
        out.d_state[to] = it->second;
    };
    int j = 1;
    for (int res = c.resolution; res > 4; res /= 2, ++j) {
        const std::string b = "b" + std::to_string(res);
        ValuePtr block = need_submodule(D, b);
        c.architecture = string_attr(*block, "architecture", "resnet");
        if (c.architecture != "resnet") {
            throw ModelError("discriminator architecture '" + c.architecture +
                             "' is not supported (only 'resnet')");
        }
        if (res == c.resolution) {
            take(b + ".fromrgb.weight", "convs.0.0.weight");
            take(b + ".fromrgb.bias", "convs.0.1.bias");
            c.conv_clamp = optional_number(need_submodule(*block, "conv0")->get("conv_clamp"));
        }
        const std::string r = "convs." + std::to_string(j);
        take(b + ".conv0.weight", r + ".conv1.0.weight");
        take(b + ".conv0.bias", r + ".conv1.1.bias");
        take(b + ".conv1.resample_filter", r + ".conv2.0.kernel");
        take(b + ".conv1.weight", r + ".conv2.1.weight");
        take(b + ".conv1.bias", r + ".conv2.2.bias");
        take(b + ".skip.resample_filter", r + ".skip.0.kernel");
        take(b + ".skip.weight", r + ".skip.1.weight");
        c.channels[res] = static_cast<int>(ada.at(b + ".conv0.weight").size(0));
    }
    ValuePtr b4 = need_submodule(D, "b4");
    if (ValuePtr cmap = b4->get("cmap_dim"); cmap && cmap->is(Value::Kind::Int) && cmap->i > 0) {
        throw ModelError("conditional discriminators are not supported");
    }
    if (ValuePtr mbstd = submodule(*b4, "mbstd")) {
        ValuePtr g = mbstd->get("group_size");
        c.mbstd_group_size = g && g->is(Value::Kind::Int) ? static_cast<int>(g->i) : 0;
        c.mbstd_channels = int_attr(*mbstd, "num_channels");
    } else {
        c.mbstd_channels = 0;
    }
    take("b4.conv.weight", "final_conv.0.weight");
    take("b4.conv.bias", "final_conv.1.bias");
    take("b4.fc.weight", "final_linear.0.weight");
    take("b4.fc.bias", "final_linear.0.bias");
    take("b4.out.weight", "final_linear.1.weight");
    take("b4.out.bias", "final_linear.1.bias");
    c.channels[4] = static_cast<int>(ada.at("b4.conv.weight").size(0));
    out.d_config = c;
}

void read_ada(const Value& top, Checkpoint& out) {
    out.format = "stylegan2-ada-pkl";
    ValuePtr g = top.get("G_ema");
    if (!g) g = top.get("G");
    if (!g && top.is(Value::Kind::Object) && top.class_name == "Generator") {
        g = std::make_shared<Value>(top);
    }
    if (!g || !g->is(Value::Kind::Object)) {
        throw ModelError("the network pickle holds no generator ('G_ema')");
    }
    convert_ada_g(*g, out);
    if (ValuePtr d = top.get("D"); d && d->is(Value::Kind::Object)) convert_ada_d(*d, out);
}

bool looks_like_ada(const Value& top) {
    if (top.is(Value::Kind::Object)) return true;
    for (const char* key : {"G_ema", "G", "D"}) {
        if (ValuePtr v = top.get(key); v && v->is(Value::Kind::Object)) return true;
    }
    return false;
}

}  // namespace

// Latent Studio's own files: rosinality keys under "g_ema." and "d." (model_file.h).
static void read_latent_studio(const io::SafetensorsFile& file, Checkpoint& out) {
    auto format = file.metadata.find("format");
    if (format == file.metadata.end() || format->second != kModelFormat) {
        throw ModelError("a safetensors file without \"format\": \"" + std::string(kModelFormat) +
                         "\" in its metadata: not a Latent Studio model");
    }
    out.format = "latent-studio";
    out.serialization = "safetensors";
    out.g_state = tensors_with_prefix(file, "g_ema.");
    out.d_state = tensors_with_prefix(file, "d.");
    if (out.g_state.empty()) throw ModelError("the file holds no generator (no 'g_ema.' tensors)");
    out.g_config = infer_rosinality_g(out.g_state);
    if (!out.d_state.empty()) out.d_config = infer_rosinality_d(out.d_state);
}

Checkpoint read_checkpoint(const std::string& path) {
    if (looks_like_safetensors(path)) {
        Checkpoint out;
        out.path = path;
        try {
            read_latent_studio(io::read_safetensors(path), out);
        } catch (const ModelError& e) {
            throw ModelError("'" + path + "': " + e.what());
        }
        return out;
    }
    io::TorchFileFormat format;
    ValuePtr top = io::load_torch_file(path, &format);
    Checkpoint out;
    out.path = path;
    out.serialization = format == io::TorchFileFormat::Zip      ? "zip"
                        : format == io::TorchFileFormat::Legacy ? "legacy"
                                                                : "pickle";
    if (!top || !(top->is(Value::Kind::Dict) || top->is(Value::Kind::Object))) {
        throw ModelError("'" + path + "' holds no dictionary of networks");
    }
    try {
        if (looks_like_ada(*top)) {
            read_ada(*top, out);
        } else {
            read_rosinality(*top, out);
        }
    } catch (const ModelError& e) {
        throw ModelError("'" + path + "': " + e.what());
    } catch (const io::FormatError& e) {
        throw ModelError("'" + path + "': " + e.what());
    }
    return out;
}

}  // namespace ls
