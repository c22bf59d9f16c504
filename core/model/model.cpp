#include "model/model.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>
#include <random>
#include <vector>

namespace ls {

void load_state(torch::nn::Module& module, const StateDict& state, const std::string& what) {
    torch::NoGradGuard no_grad;
    auto copy = [&](const std::string& name, at::Tensor& target) {
        auto it = state.find(name);
        if (it == state.end()) {
            throw ModelError(what + " has no tensor '" + name + "'");
        }
        if (it->second.sizes() != target.sizes()) {
            throw ModelError(what + ": tensor '" + name + "' has shape " +
                             c10::str(it->second.sizes()) + ", expected " +
                             c10::str(target.sizes()));
        }
        target.copy_(it->second);
    };
    for (auto& p : module.named_parameters(true)) copy(p.key(), p.value());
    for (auto& b : module.named_buffers(true)) {
        if (b.key() == "latent_avg" && !state.count("latent_avg")) continue;
        copy(b.key(), b.value());
    }
}

at::Tensor estimate_latent_avg(nn::GeneratorImpl& g, int samples, uint64_t seed) {
    torch::NoGradGuard no_grad;
    at::Generator gen = at::detail::createCPUGenerator(seed);
    const at::Tensor z =
        at::randn({samples, g.config().z_dim}, gen, at::TensorOptions().dtype(at::kFloat));
    return g.mapping(z.to(g.latent_avg.device())).mean(0);
}

Model load_model(const std::string& path, const at::Device& device) {
    if (is_manifest_path(path)) {
        ModelManifest manifest = read_manifest(path);
        Model m = load_model(manifest.generator, device);
        m.manifest = std::move(manifest);
        return m;
    }
    Checkpoint ckpt = read_checkpoint(path);
    Model m;
    m.path = path;
    m.format = ckpt.format;
    m.serialization = ckpt.serialization;
    try {
        m.generator = nn::Generator(ckpt.g_config);
        load_state(*m.generator, ckpt.g_state, "the generator");
        if (ckpt.d_config) {
            m.discriminator = nn::Discriminator(*ckpt.d_config);
            load_state(*m.discriminator, ckpt.d_state, "the discriminator");
        }
    } catch (const std::invalid_argument& e) {
        throw ModelError("'" + path + "': " + e.what());
    } catch (const ModelError& e) {
        throw ModelError("'" + path + "': " + e.what());
    }
    if (!ckpt.g_state.count("latent_avg")) {
        torch::NoGradGuard no_grad;
        m.generator->latent_avg.copy_(estimate_latent_avg(*m.generator));
        m.latent_avg_estimated = true;
    }
    m.generator->eval();
    m.generator->to(device);
    if (m.discriminator) {
        m.discriminator->eval();
        m.discriminator->to(device);
    }
    return m;
}

Model random_model(const GeneratorConfig& g, const std::optional<DiscriminatorConfig>& d,
                   uint64_t seed, const at::Device& device) {
    at::manual_seed(seed);
    Model m;
    m.format = "random";
    m.generator = nn::Generator(g);
    {
        torch::NoGradGuard no_grad;
        m.generator->latent_avg.copy_(estimate_latent_avg(*m.generator, 1000, seed));
    }
    m.generator->eval();
    m.generator->to(device);
    if (d) {
        m.discriminator = nn::Discriminator(*d);
        m.discriminator->eval();
        m.discriminator->to(device);
    }
    return m;
}

at::Tensor z_from_seed(uint64_t seed, int64_t count, int64_t z_dim) {
    // NumPy's legacy RandomState: MT19937 seeded with init_genrand(seed), doubles from two
    // 32-bit draws (53 bits), and the polar Box-Muller method that keeps its second value.
    std::mt19937 mt(static_cast<uint32_t>(seed));
    auto uniform = [&] {
        const uint32_t a = mt() >> 5, b = mt() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    };
    bool has_gauss = false;
    double gauss = 0.0;
    auto normal = [&] {
        if (has_gauss) {
            has_gauss = false;
            return gauss;
        }
        double x1, x2, r2;
        do {
            x1 = 2.0 * uniform() - 1.0;
            x2 = 2.0 * uniform() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        const double f = std::sqrt(-2.0 * std::log(r2) / r2);
        gauss = f * x1;
        has_gauss = true;
        return f * x2;
    };
    std::vector<float> values(static_cast<size_t>(count * z_dim));
    for (auto& v : values) v = static_cast<float>(normal());
    return at::from_blob(values.data(), {count, z_dim}, at::kFloat).clone();
}

}  // namespace ls
