#include "train/net_trainers.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>

#include "model/model.h"
#include "portrait/attributes.h"
#include "train/adam.h"
#include "train/image_source.h"

namespace ls::train {

namespace {

bool report(const Progress& progress, int64_t i, int64_t total, double loss) {
    if (!progress || (i % 50 != 0 && i != total)) return true;
    return progress(i, loss);
}

}  // namespace

at::Tensor normalise_attributes(const at::Tensor& labels) {
    const auto& table = portrait::attribute_table();
    at::Tensor lo = at::empty({portrait::kAttributeCount}),
               hi = at::empty({portrait::kAttributeCount});
    for (int k = 0; k < portrait::kAttributeCount; ++k) {
        lo[k] = table[k].min;
        hi[k] = table[k].max;
    }
    return (labels - lo) / (hi - lo) * 2 - 1;
}

FeatureNet train_classifier(const ClassifierOptions& o, const at::Device& device,
                            const Progress& progress) {
    at::manual_seed(o.seed);
    FeatureNet net(FeatureNetConfig{o.resolution, feature_channels(o.resolution, o.channel_max),
                                    portrait::kAttributeCount});
    net->to(device);
    net->train();
    Adam opt(named_parameters_of(*net), AdamOptions{o.lr, 0.9, 0.99, 1e-8});
    auto source = portrait_source(o.resolution, o.seed * 1'000'003);
    for (int64_t i = 0; i < o.iterations; ++i) {
        const at::Tensor images = source->batch(o.batch, i).to(device);
        const at::Tensor target = normalise_attributes(source->labels(o.batch, i)).to(device);
        opt.zero_grad();
        const at::Tensor loss = (net->forward(images) - target).square().mean();
        loss.backward();
        opt.step();
        if (!report(progress, i + 1, o.iterations, loss.item<double>())) break;
    }
    net->eval();
    return net;
}

std::vector<AttributeMetrics> evaluate_classifier(FeatureNetImpl& net, int count,
                                                  const at::Device& device, uint64_t first_seed) {
    torch::NoGradGuard no_grad;
    auto source = portrait_source(net.config().resolution, first_seed);
    std::vector<at::Tensor> preds, truths;
    const int batch = 100;
    for (int done = 0, index = 0; done < count; done += batch, ++index) {
        const int n = std::min(batch, count - done);
        // Batches of equal size keep the seeds consecutive (seed = first + index * n + i).
        preds.push_back(net.forward(source->batch(batch, index).to(device)).cpu().narrow(0, 0, n));
        truths.push_back(normalise_attributes(source->labels(batch, index)).narrow(0, 0, n));
    }
    const at::Tensor p = at::cat(preds).to(at::kDouble), t = at::cat(truths).to(at::kDouble);
    std::vector<AttributeMetrics> out;
    const auto& table = portrait::attribute_table();
    for (int k = 0; k < net.config().outputs && k < portrait::kAttributeCount; ++k) {
        AttributeMetrics m;
        m.name = table[k].name;
        m.binary = table[k].kind == portrait::AttributeKind::Binary;
        const at::Tensor pk = p.select(1, k), tk = t.select(1, k);
        const at::Tensor clear = m.binary ? at::ones_like(tk, at::kBool) : tk.abs() >= 0.25;
        const at::Tensor right = ((pk > 0) == (tk > 0)).logical_and(clear);
        m.accuracy = right.sum().item<double>() / std::max(1.0, clear.sum().item<double>());
        m.mean_abs_error = (pk - tk).abs().mean().item<double>();
        const at::Tensor pc = pk - pk.mean(), tc = tk - tk.mean();
        m.correlation =
            (pc * tc).sum().item<double>() /
            std::max(1e-12, std::sqrt((pc.square().sum() * tc.square().sum()).item<double>()));
        out.push_back(m);
    }
    return out;
}

at::Tensor encode(FeatureNetImpl& encoder, nn::GeneratorImpl& g, const at::Tensor& images) {
    const auto& c = g.config();
    return encoder.forward(images).view({-1, c.num_ws(), c.w_dim}) + g.latent_avg;
}

FeatureNet train_encoder(nn::GeneratorImpl& g, nn::DiscriminatorImpl* d, const EncoderOptions& o,
                         const at::Device& device, const Progress& progress) {
    const auto& c = g.config();
    at::manual_seed(o.seed);
    FeatureNet net(FeatureNetConfig{c.resolution, feature_channels(c.resolution, o.channel_max),
                                    c.num_ws() * c.w_dim});
    {
        // Start at the average code: the last layer's weights small.
        torch::NoGradGuard no_grad;
        net->final_linear[1]->as<nn::EqualLinearImpl>()->weight.mul_(0.01);
    }
    net->to(device);
    net->train();
    for (auto& p : g.parameters()) p.requires_grad_(false);
    if (d) {
        for (auto& p : d->parameters()) p.requires_grad_(false);
    }
    Adam opt(named_parameters_of(*net), AdamOptions{o.lr, 0.9, 0.99, 1e-8});
    const auto cpu = at::TensorOptions().dtype(at::kFloat);
    for (int64_t i = 0; i < o.iterations; ++i) {
        at::Generator gen = at::detail::createCPUGenerator(o.seed * 1'000'003 + i);
        at::Tensor wplus, target;
        {
            torch::NoGradGuard no_grad;
            const at::Tensor z = at::randn({o.batch, c.z_dim}, gen, cpu).to(device);
            const at::Tensor psi =
                (at::rand({o.batch, 1, 1}, gen, cpu) * (1 - o.psi_min) + o.psi_min).to(device);
            // Codes like the ones users edit: truncated by a random psi, sometimes mixed.
            wplus = g.latent_avg + (g.broadcast(g.mapping(z)) - g.latent_avg) * psi;
            if (at::rand({1}, gen, cpu).item<double>() < 0.5) {
                const int cut =
                    at::randint(1, c.num_ws(), {1}, gen, cpu.dtype(at::kLong)).item<int>();
                const at::Tensor z2 = at::randn({o.batch, c.z_dim}, gen, cpu).to(device);
                const at::Tensor w2 =
                    g.latent_avg + (g.broadcast(g.mapping(z2)) - g.latent_avg) * psi;
                wplus = at::cat({wplus.narrow(1, 0, cut), w2.narrow(1, cut, c.num_ws() - cut)}, 1);
            }
            target = g.synthesis(wplus, nn::NoiseMode::Const);
        }
        opt.zero_grad();
        const at::Tensor predicted = encode(*net, g, target);
        at::Tensor loss = (predicted - wplus).square().mean() * o.code_weight;
        if (o.image_weight > 0 || (d && o.feature_weight > 0)) {
            const at::Tensor recon = g.synthesis(predicted, nn::NoiseMode::Const);
            loss = loss + (recon - target).square().mean() * o.image_weight;
            if (d && o.feature_weight > 0) {
                // The discriminator's features as a perceptual distance (in-domain inversion
                // uses a VGG; the model's own discriminator is what we have).
                const auto fr = d->features(recon), ft = d->features(target);
                for (size_t l = 1; l < fr.size(); ++l) {
                    loss = loss +
                           (fr[l] - ft[l]).square().mean() * (o.feature_weight / (fr.size() - 1));
                }
            }
        }
        loss.backward();
        opt.step();
        if (!report(progress, i + 1, o.iterations, loss.item<double>())) break;
    }
    net->eval();
    return net;
}

std::vector<AttributeBoundary> attribute_boundaries(nn::GeneratorImpl& g,
                                                    FeatureNetImpl& classifier,
                                                    const std::vector<std::string>& names,
                                                    int count, const edit::BoundaryOptions& options,
                                                    const Progress& progress) {
    torch::NoGradGuard no_grad;
    const auto& c = g.config();
    const at::Device device = g.latent_avg.device();
    const at::Tensor z = z_from_seed(0, count, c.z_dim);
    std::vector<at::Tensor> ws, scores;
    const int batch = 64;
    for (int i = 0; i < count; i += batch) {
        const int n = std::min(batch, count - i);
        const at::Tensor w = g.mapping(z.narrow(0, i, n).to(device));
        const at::Tensor img = g.synthesis(g.broadcast(w), nn::NoiseMode::Const);
        at::Tensor image = img;
        if (img.size(2) != classifier.config().resolution) {
            image = at::adaptive_avg_pool2d(
                img, {classifier.config().resolution, classifier.config().resolution});
        }
        ws.push_back(w.cpu());
        scores.push_back(classifier.forward(image).cpu());
        if (progress && !progress(i + n, 0.0)) break;
    }
    const at::Tensor w = at::cat(ws), s = at::cat(scores).to(at::kDouble);
    std::vector<AttributeBoundary> out;
    for (int k = 0; k < s.size(1) && k < static_cast<int>(names.size()); ++k) {
        const at::Tensor col = s.select(1, k).contiguous();
        std::vector<double> v(col.data_ptr<double>(), col.data_ptr<double>() + col.numel());
        AttributeBoundary b;
        b.name = names[k];
        b.result = edit::train_boundary(w, v, options);
        b.slider_scale = 3.0 * (w.matmul(b.result.normal)).std().item<double>();
        out.push_back(b);
    }
    return out;
}

namespace {
// The classifier's scores of G(W+) [N, outputs], the image averaged down to its input size.
at::Tensor scores_of(nn::GeneratorImpl& g, FeatureNetImpl& classifier, const at::Tensor& wplus) {
    at::Tensor image = g.synthesis(wplus, nn::NoiseMode::Const);
    const int64_t side = classifier.config().resolution;
    if (image.size(2) != side) image = at::adaptive_avg_pool2d(image, {side, side});
    return classifier.forward(image);
}

// What the gradients of every score over the sampled codes add up to.
struct GradientMoments {
    at::Tensor sum;           // [outputs, w_dim]: the sum of the codes' gradients
    at::Tensor second;        // [outputs, w_dim, w_dim]: the sum of g g^T (Specific only)
    at::Tensor second_total;  // [w_dim, w_dim]: `second` summed over the outputs
    at::Tensor codes;         // [count, w_dim]: the codes' w
    int64_t count = 0;
};

GradientMoments gradient_moments(nn::GeneratorImpl& g, FeatureNetImpl& classifier, int64_t outputs,
                                 const GradientDirectionOptions& o, const edit::LayerRange& layers,
                                 const Progress& progress) {
    const auto& c = g.config();
    const at::Device device = g.latent_avg.device();
    const at::Tensor z = z_from_seed(0, o.count, c.z_dim);
    const bool second = o.method == GradientMethod::Specific;
    GradientMoments m;
    m.sum = at::zeros({outputs, c.w_dim}, at::kDouble);
    if (second) m.second = at::zeros({outputs, c.w_dim, c.w_dim}, at::kDouble);
    std::vector<at::Tensor> ws;
    const int batch = 32;
    for (int i = 0; i < o.count; i += batch) {
        const int n = std::min(batch, o.count - i);
        at::Tensor wplus;
        {
            torch::NoGradGuard no_grad;
            const at::Tensor w = g.mapping(z.narrow(0, i, n).to(device));
            ws.push_back(w.cpu());
            wplus = g.broadcast(w).clone();
        }
        wplus.requires_grad_(true);
        at::AutoGradMode grad_mode(true);
        const at::Tensor s = scores_of(g, classifier, wplus);
        // One backward pass per output: each score depends on its own code only, so the
        // gradient of the batch's sum holds every code's own gradient.
        for (int64_t k = 0; k < outputs; ++k) {
            const at::Tensor gk =
                torch::autograd::grad({s.select(1, k).sum()}, {wplus}, {}, k + 1 < outputs)[0]
                    .narrow(1, layers.first, layers.size())
                    .sum(1)
                    .to(at::kCPU, at::kDouble);  // [n, w_dim]
            m.sum[k] += gk.sum(0);
            if (second) m.second[k] += gk.t().matmul(gk);
        }
        m.count = i + n;
        if (progress && !progress(i + n, 0.0)) break;
    }
    m.codes = at::cat(ws).to(at::kDouble);
    if (second) m.second_total = m.second.sum(0);
    return m;
}

// The target's mean gradient, made orthogonal to the others' mean gradients.
at::Tensor orthogonal_mean(const at::Tensor& mean, int64_t k) {
    std::vector<at::Tensor> rows;
    for (int64_t j = 0; j < mean.size(0); ++j)
        if (j != k) rows.push_back(mean[j]);
    at::Tensor d = mean[k].clone();
    if (rows.empty()) return d;
    const at::Tensor q = std::get<0>(at::linalg_qr(at::stack(rows).t()));  // [w_dim, m]
    return d - q.matmul(q.t().matmul(d));
}

// (A + ridge * tr(A)/D * I)^-1 m_k, A = the mean over the other outputs of E[g g^T].
at::Tensor specific_direction(const GradientMoments& m, int64_t k, double ridge) {
    const int64_t outputs = m.sum.size(0), dim = m.sum.size(1);
    const at::Tensor mean = m.sum[k] / double(m.count);
    if (outputs < 2) return mean;
    const at::Tensor a = (m.second_total - m.second[k]) / (double(m.count) * double(outputs - 1));
    const double level = a.trace().item<double>() / double(dim);
    if (!(level > 0)) return mean;  // the others do not move at all
    const at::Tensor regularised = a + ridge * level * at::eye(dim, at::kDouble);
    return at::linalg_solve(regularised, mean.unsqueeze(1)).squeeze(1);
}
}  // namespace

std::vector<GradientDirection> attribute_gradient_directions(
    nn::GeneratorImpl& g, FeatureNetImpl& classifier, const std::vector<std::string>& names,
    const GradientDirectionOptions& options, const Progress& progress) {
    if (options.count < 1) throw std::invalid_argument("--count must be at least 1");
    if (!(options.ridge >= 0)) throw std::invalid_argument("--ridge must not be negative");
    const edit::LayerRange layers = options.layers.value_or(edit::all_layers(g.config()));
    edit::check_layer_range(g.config(), layers);
    const int64_t outputs = std::min<int64_t>(classifier.config().outputs, names.size());
    const GradientMoments m = gradient_moments(g, classifier, outputs, options, layers, progress);
    const at::Tensor mean = m.sum / double(m.count);
    std::vector<GradientDirection> out;
    for (int64_t k = 0; k < outputs; ++k) {
        at::Tensor d = options.method == GradientMethod::Specific
                           ? specific_direction(m, k, options.ridge)
                           : orthogonal_mean(mean, k);
        const double norm = d.norm().item<double>();
        if (!(norm > 0))
            throw std::runtime_error(names[k] + ": its mean gradient lies in the others'");
        d = d / norm;
        GradientDirection r;
        r.name = names[k];
        r.direction = d.to(at::kFloat).contiguous();
        r.layers = layers;
        r.slider_scale = 3.0 * m.codes.matmul(d).std().item<double>();
        r.mean_slope = mean[k].dot(d).item<double>();
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace ls::train
