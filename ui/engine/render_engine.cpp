#include "render_engine.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <QFileInfo>
#include <QSettings>
#include <stdexcept>

#include "edit/edit_stack.h"
#include "edit/incremental_renderer.h"
#include "edit/layer_range.h"
#include "edit/sefa.h"
#include "model/default_model.h"
#include "model/tensor_npy.h"
#include "runtime/runtime.h"

namespace ls::ui {

struct RenderEngine::Impl {
    Model model;
    std::unique_ptr<edit::IncrementalRenderer> renderer;  // reuses unchanged blocks
    bool loaded = false;
};

RenderEngine::RenderEngine() : d(std::make_unique<Impl>()) {}
RenderEngine::~RenderEngine() = default;

ModelInfo RenderEngine::load(const QString& path, const QString& device) {
    std::string note;
    runtime::init_threads(QSettings().value(QStringLiteral("threads"), 0).toInt());
    const at::Device dev = runtime::pick_device(device.toStdString());
    Model m = open_model_or_default(path.toStdString(), dev, &note);
    d->model = std::move(m);
    d->renderer = std::make_unique<edit::IncrementalRenderer>(d->model.generator);
    d->loaded = true;
    const auto& c = d->model.generator->config();
    ModelInfo info;
    info.path = QString::fromStdString(d->model.path);
    info.name = path.isEmpty() ? QStringLiteral("Placeholder (untrained)")
                               : QFileInfo(path).completeBaseName();
    info.format = QString::fromStdString(d->model.format);
    info.device = QString::fromStdString(runtime::describe_device(dev));
    info.note = QString::fromStdString(note);
    info.resolution = c.resolution;
    info.num_ws = c.num_ws();
    info.w_dim = c.w_dim;
    info.z_dim = c.z_dim;
    for (const auto& name : edit::preset_names()) {
        const edit::LayerRange r = edit::preset_range(c, name);
        info.presets.push_back({QString::fromStdString(name), {r.first, r.last}});
    }
    const int k = std::min(5, c.w_dim);
    const edit::SefaResult sefa = edit::sefa(*d->model.generator, edit::all_layers(c), k);
    for (int i = 0; i < k; ++i) {
        const at::Tensor row = sefa.directions[i].contiguous();
        info.directions.push_back(
            {QStringLiteral("SeFa %1").arg(i + 1),
             std::vector<float>(row.data_ptr<float>(), row.data_ptr<float>() + row.numel())});
    }
    return info;
}

std::vector<float> RenderEngine::sample(uint64_t seed) {
    if (!d->loaded) throw std::runtime_error("no model is loaded");
    torch::NoGradGuard no_grad;
    auto& g = *d->model.generator;
    const at::Tensor z = z_from_seed(seed, 1, g.config().z_dim).to(g.latent_avg.device());
    return tensor_to_npy(g.z_to_wplus(z)).data;
}

std::vector<float> RenderEngine::map_z(const std::vector<float>& z) {
    if (!d->loaded) throw std::runtime_error("no model is loaded");
    torch::NoGradGuard no_grad;
    auto& g = *d->model.generator;
    if (static_cast<int>(z.size()) != g.config().z_dim) {
        throw std::invalid_argument("a z code has " + std::to_string(g.config().z_dim) +
                                    " values for this model, not " + std::to_string(z.size()));
    }
    const at::Tensor t =
        at::from_blob(const_cast<float*>(z.data()), {1, static_cast<int64_t>(z.size())}, at::kFloat)
            .to(g.latent_avg.device());
    return tensor_to_npy(g.z_to_wplus(t)).data;
}

namespace {
// The editor's edits as the engine's edit stack.
edit::EditStack to_stack(const std::vector<EditSpec>& edits, int num_ws, int w_dim) {
    edit::EditStack stack;
    for (const auto& e : edits) {
        edit::Edit out;
        const auto n = static_cast<int64_t>(e.direction.size());
        out.direction =
            at::from_blob(const_cast<float*>(e.direction.data()), {n}, at::kFloat).clone();
        // Per-layer directions ([num_ws * w_dim] values) keep one row per layer.
        if (n == int64_t{num_ws} * w_dim) out.direction = out.direction.reshape({num_ws, w_dim});
        out.strength = e.strength;
        out.range.first = e.first_layer;
        out.range.last = e.last_layer < 0 ? num_ws - 1 : e.last_layer;
        out.enabled = e.enabled;
        stack.push_back(std::move(out));
    }
    return stack;
}
}  // namespace

QImage RenderEngine::render(const RenderRequest& request) {
    if (!d->loaded) throw std::runtime_error("no model is loaded");
    torch::NoGradGuard no_grad;
    auto& g = *d->model.generator;
    const int num_ws = g.config().num_ws(), w_dim = g.config().w_dim;
    if (static_cast<int64_t>(request.wplus.size()) != int64_t{num_ws} * w_dim) {
        throw std::invalid_argument("the code has " + std::to_string(request.wplus.size()) +
                                    " values; this model needs " + std::to_string(num_ws) + " x " +
                                    std::to_string(w_dim));
    }
    at::Tensor wplus =
        at::from_blob(const_cast<float*>(request.wplus.data()), {1, num_ws, w_dim}, at::kFloat)
            .to(g.latent_avg.device());
    wplus = g.truncate(wplus, request.truncation);
    wplus = edit::apply_edits(wplus, to_stack(request.edits, num_ws, w_dim));
    const RgbImage rgb = tensor_to_rgb(d->renderer->render(wplus)).front();
    QImage image(rgb.width, rgb.height, QImage::Format_RGB888);
    for (int y = 0; y < rgb.height; ++y) {
        std::memcpy(image.scanLine(y), rgb.pixels.data() + static_cast<size_t>(y) * rgb.width * 3,
                    static_cast<size_t>(rgb.width) * 3);
    }
    return image;
}

}  // namespace ls::ui
