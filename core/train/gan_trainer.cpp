#include "train/gan_trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <nlohmann/json.hpp>

#include <cmath>

#include "model/checkpoint.h"
#include "model/model_file.h"

namespace ls::train {

using json = nlohmann::json;

// ------------------------------------------------------------------ configurations as JSON

namespace {

json channels_json(const std::map<int, int>& channels) {
    json j = json::object();
    for (const auto& [res, ch] : channels) j[std::to_string(res)] = ch;
    return j;
}

std::map<int, int> channels_from(const json& j) {
    std::map<int, int> out;
    for (const auto& [res, ch] : j.items()) out[std::stoi(res)] = ch.get<int>();
    return out;
}

json parse_or_throw(const std::string& text, const char* what) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        throw ModelError(std::string("the checkpoint's ") + what + " is not a JSON object");
    }
    return j;
}

}  // namespace

std::string generator_config_json(const GeneratorConfig& c) {
    return json{{"resolution", c.resolution},
                {"z_dim", c.z_dim},
                {"w_dim", c.w_dim},
                {"mapping_layers", c.mapping_layers},
                {"mapping_lr_mul", c.mapping_lr_mul},
                {"channels", channels_json(c.channels)}}
        .dump();
}

GeneratorConfig generator_config_from_json(const std::string& text) {
    const json j = parse_or_throw(text, "generator configuration");
    GeneratorConfig c;
    try {
        c.resolution = j.at("resolution").get<int>();
        c.z_dim = j.at("z_dim").get<int>();
        c.w_dim = j.at("w_dim").get<int>();
        c.mapping_layers = j.at("mapping_layers").get<int>();
        c.mapping_lr_mul = j.value("mapping_lr_mul", 0.01);
        c.channels = channels_from(j.at("channels"));
    } catch (const json::exception& e) {
        throw ModelError(std::string("the checkpoint's generator configuration: ") + e.what());
    }
    return c;
}

std::string discriminator_config_json(const DiscriminatorConfig& c) {
    return json{{"resolution", c.resolution},
                {"channels", channels_json(c.channels)},
                {"mbstd_group_size", c.mbstd_group_size}}
        .dump();
}

DiscriminatorConfig discriminator_config_from_json(const std::string& text) {
    const json j = parse_or_throw(text, "discriminator configuration");
    DiscriminatorConfig c;
    try {
        c.resolution = j.at("resolution").get<int>();
        c.channels = channels_from(j.at("channels"));
        c.mbstd_group_size = j.value("mbstd_group_size", 4);
    } catch (const json::exception& e) {
        throw ModelError(std::string("the checkpoint's discriminator configuration: ") + e.what());
    }
    return c;
}

// ------------------------------------------------------------------ options

double GanOptions::effective_r1_gamma(int resolution) const {
    return r1_gamma >= 0 ? r1_gamma : 0.0002 * resolution * resolution / batch;
}

double GanOptions::effective_ema_kimg() const {
    return ema_kimg >= 0 ? ema_kimg : batch * 10.0 / 32.0;
}

namespace {

json options_json(const GanOptions& o) {
    return {{"batch", o.batch},
            {"g_lr", o.g_lr},
            {"d_lr", o.d_lr},
            {"r1_gamma", o.r1_gamma},
            {"r1_interval", o.r1_interval},
            {"mixing_prob", o.mixing_prob},
            {"ema_kimg", o.ema_kimg},
            {"ema_rampup", o.ema_rampup},
            {"seed", o.seed}};
}

GanOptions options_from(const json& j) {
    GanOptions o;
    o.batch = j.value("batch", o.batch);
    o.g_lr = j.value("g_lr", o.g_lr);
    o.d_lr = j.value("d_lr", o.d_lr);
    o.r1_gamma = j.value("r1_gamma", o.r1_gamma);
    o.r1_interval = j.value("r1_interval", o.r1_interval);
    o.mixing_prob = j.value("mixing_prob", o.mixing_prob);
    o.ema_kimg = j.value("ema_kimg", o.ema_kimg);
    o.ema_rampup = j.value("ema_rampup", o.ema_rampup);
    o.seed = j.value("seed", o.seed);
    return o;
}

void set_requires_grad(torch::nn::Module& m, bool on) {
    for (auto& p : m.parameters(true)) p.requires_grad_(on);
}

void copy_module(torch::nn::Module& to, torch::nn::Module& from) {
    torch::NoGradGuard no_grad;
    auto src_p = from.named_parameters(true);
    for (auto& p : to.named_parameters(true)) p.value().copy_(src_p[p.key()]);
    auto src_b = from.named_buffers(true);
    for (auto& b : to.named_buffers(true)) b.value().copy_(src_b[b.key()]);
}

// A seed for iteration i's generator: distinct streams for distinct (seed, i).
uint64_t mix_seed(uint64_t seed, uint64_t i) {
    uint64_t z = seed * 0x9E3779B97F4A7C15ull + i + 0x632BE59BD9B4E019ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

}  // namespace

// ------------------------------------------------------------------ the trainer

GanTrainer::GanTrainer(const GeneratorConfig& g, const DiscriminatorConfig& d,
                       const GanOptions& options, ImageSource& source, const at::Device& device)
    : GanTrainer(g, d, options, source, device, true) {}

GanTrainer::GanTrainer(const GeneratorConfig& g, const DiscriminatorConfig& d,
                       const GanOptions& options, ImageSource& source, const at::Device& device,
                       bool init)
    : g_config_(g), d_config_(d), options_(options), source_(source), device_(device) {
    if (source.resolution() != g.resolution || d.resolution != g.resolution) {
        throw std::invalid_argument("the data (" + std::to_string(source.resolution()) +
                                    " px) and the networks (" + std::to_string(g.resolution) +
                                    " px) differ in resolution");
    }
    if (options.batch < 2 || options.batch % std::min(options.batch, d.mbstd_group_size) != 0) {
        throw std::invalid_argument(
            "the batch size must be a multiple of the discriminator's "
            "minibatch group (" +
            std::to_string(d.mbstd_group_size) + ")");
    }
    at::manual_seed(options.seed);  // the initial weights
    g_ = nn::Generator(g);
    g_ema_ = nn::Generator(g);
    d_ = nn::Discriminator(d);
    if (init) {
        torch::NoGradGuard no_grad;
        g_->latent_avg.zero_();
        copy_module(*g_ema_, *g_);
    }
    g_->to(device_);
    g_ema_->to(device_);
    d_->to(device_);
    set_requires_grad(*g_ema_, false);
    g_ema_->eval();

    g_opt_ = std::make_unique<Adam>(named_parameters_of(*g_),
                                    AdamOptions{options.g_lr, 0.0, 0.99, 1e-8});
    // Lazy regularisation: the optimiser's lr and betas compensate for R1 running only
    // every r1_interval steps (StyleGAN2, appendix B).
    const double c = options.r1_interval / (options.r1_interval + 1.0);
    d_opt_ = std::make_unique<Adam>(named_parameters_of(*d_),
                                    AdamOptions{options.d_lr * c, 0.0, std::pow(0.99, c), 1e-8});
}

at::Tensor GanTrainer::sample_wplus(at::Generator& gen, bool track_average) {
    const int64_t n = options_.batch;
    const auto cpu = at::TensorOptions().dtype(at::kFloat);
    const at::Tensor z = at::randn({n, g_config_.z_dim}, gen, cpu).to(device_);
    const at::Tensor w = g_->mapping(z);
    if (track_average) {
        // The average w (truncation's target), tracked as stylegan2-ada does.
        torch::NoGradGuard no_grad;
        g_->latent_avg.copy_(w.detach().mean(0).lerp(g_->latent_avg, 0.995));
    }
    at::Tensor wplus = g_->broadcast(w);
    const double u = at::rand({1}, gen, cpu).item<double>();
    const int num_ws = g_config_.num_ws();
    // Style mixing: from a random layer on, the styles of a second code.
    const int64_t cut = at::randint(1, num_ws, {1}, gen, cpu.dtype(at::kLong)).item<int64_t>();
    if (u < options_.mixing_prob) {
        const at::Tensor z2 = at::randn({n, g_config_.z_dim}, gen, cpu).to(device_);
        const at::Tensor w2 = g_->broadcast(g_->mapping(z2));
        wplus = at::cat({wplus.narrow(1, 0, cut), w2.narrow(1, cut, num_ws - cut)}, 1);
    }
    return wplus;
}

void GanTrainer::discriminator_step(const at::Tensor& real, at::Generator& gen,
                                    uint64_t noise_seed) {
    at::Tensor fake;
    {
        torch::NoGradGuard no_grad;
        fake = g_->synthesis(sample_wplus(gen, false), nn::NoiseMode::Random, noise_seed);
    }
    d_opt_->zero_grad();
    const at::Tensor real_logits = d_->forward(real);
    const at::Tensor fake_logits = d_->forward(fake);
    const at::Tensor loss = at::softplus(fake_logits).mean() + at::softplus(-real_logits).mean();
    loss.backward();
    d_opt_->step();
    stats_.d_loss = loss.item<double>();
    stats_.real_logit = real_logits.mean().item<double>();
    stats_.fake_logit = fake_logits.mean().item<double>();
}

void GanTrainer::r1_step(const at::Tensor& real) {
    d_opt_->zero_grad();
    const at::Tensor x = real.detach().requires_grad_(true);
    const at::Tensor logits = d_->forward(x);
    const at::Tensor grad = torch::autograd::grad({logits.sum()}, {x}, {}, /*retain_graph=*/true,
                                                  /*create_graph=*/true)[0];
    const at::Tensor penalty = grad.square().sum({1, 2, 3}).mean();
    const double gamma = options_.effective_r1_gamma(g_config_.resolution);
    (penalty * (gamma / 2 * options_.r1_interval)).backward();
    d_opt_->step();
    stats_.r1_penalty = penalty.item<double>();
}

void GanTrainer::generator_step(at::Generator& gen, uint64_t noise_seed) {
    set_requires_grad(*d_, false);
    g_opt_->zero_grad();
    const at::Tensor fake =
        g_->synthesis(sample_wplus(gen, true), nn::NoiseMode::Random, noise_seed);
    const at::Tensor loss = at::softplus(-d_->forward(fake)).mean();
    loss.backward();
    g_opt_->step();
    set_requires_grad(*d_, true);
    stats_.g_loss = loss.item<double>();
}

void GanTrainer::update_ema() {
    double ema_nimg = options_.effective_ema_kimg() * 1000.0;
    if (options_.ema_rampup > 0) {
        ema_nimg = std::min(ema_nimg, static_cast<double>(stats_.images) * options_.ema_rampup);
    }
    const double beta = std::pow(0.5, options_.batch / std::max(ema_nimg, 1e-8));
    torch::NoGradGuard no_grad;
    auto params = g_->named_parameters(true);
    for (auto& p : g_ema_->named_parameters(true)) {
        p.value().copy_(params[p.key()].lerp(p.value(), beta));
    }
    auto buffers = g_->named_buffers(true);
    for (auto& b : g_ema_->named_buffers(true)) b.value().copy_(buffers[b.key()]);
}

const GanStats& GanTrainer::step() {
    const uint64_t i = static_cast<uint64_t>(stats_.iteration);
    at::Generator gen = at::detail::createCPUGenerator(mix_seed(options_.seed, i));
    const uint64_t noise_seed = mix_seed(options_.seed + 1, i);
    const at::Tensor real = source_.batch(options_.batch, i).to(device_);
    g_->train();
    d_->train();
    discriminator_step(real, gen, noise_seed);
    if (options_.r1_interval > 0 && i % options_.r1_interval == 0) r1_step(real);
    generator_step(gen, noise_seed + 1);
    stats_.images += options_.batch;
    stats_.iteration += 1;
    update_ema();
    return stats_;
}

// ------------------------------------------------------------------ files

void GanTrainer::save_checkpoint(const std::string& path,
                                 const std::map<std::string, std::string>& metadata) const {
    std::vector<io::TensorBytes> tensors;
    append_module_tensors(*g_, "g.", io::DType::Float32, &tensors);
    append_module_tensors(*g_ema_, "g_ema.", io::DType::Float32, &tensors);
    append_module_tensors(*d_, "d.", io::DType::Float32, &tensors);
    g_opt_->append_state("opt_g.", &tensors);
    d_opt_->append_state("opt_d.", &tensors);
    std::map<std::string, std::string> meta = metadata;
    meta["format"] = "latent-studio-training";
    meta["format_version"] = "1";
    meta["generator_config"] = generator_config_json(g_config_);
    meta["discriminator_config"] = discriminator_config_json(d_config_);
    meta["options"] = options_json(options_).dump();
    meta["iteration"] = std::to_string(stats_.iteration);
    meta["images"] = std::to_string(stats_.images);
    meta["opt_g_steps"] = std::to_string(g_opt_->steps());
    meta["opt_d_steps"] = std::to_string(d_opt_->steps());
    meta["data"] = source_.description();
    io::write_safetensors(path, meta, tensors);
}

void GanTrainer::save_model(const std::string& path, io::DType dtype,
                            const std::map<std::string, std::string>& metadata) const {
    std::vector<io::TensorBytes> tensors;
    append_module_tensors(*g_ema_, "g_ema.", dtype, &tensors);
    append_module_tensors(*d_, "d.", dtype, &tensors);
    std::map<std::string, std::string> meta = metadata;
    meta["format"] = kModelFormat;
    meta["format_version"] = "1";
    meta["generator_config"] = generator_config_json(g_config_);
    meta["training_iterations"] = std::to_string(stats_.iteration);
    meta["training_images"] = std::to_string(stats_.images);
    meta["data"] = source_.description();
    io::write_safetensors(path, meta, tensors);
}

int checkpoint_resolution(const std::string& checkpoint) {
    const auto metadata = io::read_safetensors_metadata(checkpoint);
    auto it = metadata.find("generator_config");
    if (it == metadata.end()) {
        throw ModelError("'" + checkpoint + "' is not a training checkpoint");
    }
    return generator_config_from_json(it->second).resolution;
}

std::unique_ptr<GanTrainer> GanTrainer::resume(const std::string& checkpoint, ImageSource& source,
                                               const at::Device& device) {
    const io::SafetensorsFile file = io::read_safetensors(checkpoint);
    auto meta = [&](const char* key) -> const std::string& {
        auto it = file.metadata.find(key);
        if (it == file.metadata.end()) {
            throw ModelError("'" + checkpoint + "' is not a training checkpoint (no '" + key +
                             "' in its metadata)");
        }
        return it->second;
    };
    if (meta("format") != "latent-studio-training") {
        throw ModelError("'" + checkpoint + "' is not a Latent Studio training checkpoint");
    }
    const GanOptions options = options_from(parse_or_throw(meta("options"), "options"));
    std::unique_ptr<GanTrainer> t(
        new GanTrainer(generator_config_from_json(meta("generator_config")),
                       discriminator_config_from_json(meta("discriminator_config")), options,
                       source, device, false));
    try {
        load_module_tensors(*t->g_, file, "g.", "the checkpoint's generator");
        load_module_tensors(*t->g_ema_, file, "g_ema.", "the checkpoint's EMA generator");
        load_module_tensors(*t->d_, file, "d.", "the checkpoint's discriminator");
        t->g_opt_->load_state(file, "opt_g.", std::stoll(meta("opt_g_steps")));
        t->d_opt_->load_state(file, "opt_d.", std::stoll(meta("opt_d_steps")));
        t->stats_.iteration = std::stoll(meta("iteration"));
        t->stats_.images = std::stoll(meta("images"));
    } catch (const std::logic_error& e) {  // std::stoll on a bad number
        throw ModelError("'" + checkpoint + "': a damaged number in its metadata");
    }
    return t;
}

}  // namespace ls::train
