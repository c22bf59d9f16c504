#include "render_engine.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <QFileInfo>
#include <QSettings>
#include <stdexcept>

#include "model/default_model.h"
#include "model/tensor_npy.h"
#include "runtime/runtime.h"

namespace ls::ui {

struct RenderEngine::Impl {
    Model model;
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
    return info;
}

std::vector<float> RenderEngine::sample(uint64_t seed) {
    if (!d->loaded) throw std::runtime_error("no model is loaded");
    torch::NoGradGuard no_grad;
    auto& g = *d->model.generator;
    const at::Tensor z = z_from_seed(seed, 1, g.config().z_dim).to(g.latent_avg.device());
    return tensor_to_npy(g.z_to_wplus(z)).data;
}

namespace {
// W+ with every enabled edit added on its layers: w' = w + strength * direction.
at::Tensor apply_edits(at::Tensor wplus, const std::vector<EditSpec>& edits, int num_ws,
                       int w_dim) {
    for (const auto& e : edits) {
        if (!e.enabled || e.strength == 0.0) continue;
        const int64_t size = static_cast<int64_t>(e.direction.size());
        if (size != w_dim && size != int64_t{num_ws} * w_dim) {
            throw std::invalid_argument("a direction has " + std::to_string(size) +
                                        " values; this model needs " + std::to_string(w_dim));
        }
        at::Tensor dir = at::from_blob(const_cast<float*>(e.direction.data()), {size}, at::kFloat)
                             .to(wplus.device());
        dir = size == w_dim ? dir.reshape({1, 1, w_dim}).expand({1, num_ws, w_dim})
                            : dir.reshape({1, num_ws, w_dim});
        const int first = std::clamp(e.first_layer, 0, num_ws - 1);
        const int last =
            e.last_layer < 0 ? num_ws - 1 : std::clamp(e.last_layer, first, num_ws - 1);
        wplus = wplus.clone();
        wplus.narrow(1, first, last - first + 1)
            .add_(dir.narrow(1, first, last - first + 1) * e.strength);
    }
    return wplus;
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
    wplus = apply_edits(wplus, request.edits, num_ws, w_dim);
    const RgbImage rgb = tensor_to_rgb(g.synthesis(wplus)).front();
    QImage image(rgb.width, rgb.height, QImage::Format_RGB888);
    for (int y = 0; y < rgb.height; ++y) {
        std::memcpy(image.scanLine(y), rgb.pixels.data() + static_cast<size_t>(y) * rgb.width * 3,
                    static_cast<size_t>(rgb.width) * 3);
    }
    return image;
}

}  // namespace ls::ui
