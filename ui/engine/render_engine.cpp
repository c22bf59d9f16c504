#include "render_engine.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <QFileInfo>
#include <QPainter>
#include <QSettings>
#include <stdexcept>

#include "edit/edit_stack.h"
#include "edit/ganspace.h"
#include "edit/grid_render.h"
#include "edit/incremental_renderer.h"
#include "edit/layer_range.h"
#include "edit/sefa.h"
#include "file_hash.h"
#include "imaging/grid_image.h"
#include "model/default_model.h"
#include "model/tensor_npy.h"
#include "render_engine_impl.h"
#include "runtime/runtime.h"

namespace ls::ui {

namespace {
// The model's attribute classifier (its manifest's "classifier"), or a null one. A classifier
// that does not load is left out with a warning: the editor works without its chart.
train::FeatureNetFile load_classifier(const Model& model) {
    if (!model.manifest || !model.manifest->classifier) return {};
    try {
        train::FeatureNetFile file =
            train::load_feature_net(*model.manifest->classifier, train::kClassifierFormat,
                                    model.generator->latent_avg.device());
        if (file.names.size() != static_cast<size_t>(file.net->config().outputs))
            throw ModelError("its attribute names do not match its outputs");
        file.net->eval();
        return file;
    } catch (const std::exception& e) {
        qWarning("The attribute classifier %s was not loaded: %s",
                 model.manifest->classifier->c_str(), e.what());
        return {};
    }
}
}  // namespace

RenderEngine::RenderEngine() : d(std::make_unique<Impl>()) {}
RenderEngine::~RenderEngine() = default;

ModelInfo RenderEngine::load(const QString& path, const QString& device) {
    std::string note;
    runtime::init_threads(QSettings().value(QStringLiteral("threads"), 0).toInt());
    const at::Device dev = runtime::pick_device(device.toStdString());
    Model m = open_model_or_default(path.toStdString(), dev, &note);
    d->model = std::move(m);
    d->encoder = nullptr;  // the new model's is loaded by its first inversion
    d->encoder_loaded = false;
    train::FeatureNetFile classifier = load_classifier(d->model);
    d->classifier = classifier.net;
    d->renderer = std::make_unique<edit::IncrementalRenderer>(d->model.generator);
    d->loaded = true;
    const auto& c = d->model.generator->config();
    ModelInfo info;
    // A model folder is remembered and named by its manifest (its directions come with it).
    const std::optional<ModelManifest>& manifest = d->model.manifest;
    info.path = QString::fromStdString(manifest ? manifest->path : d->model.path);
    info.name = manifest                      ? QString::fromStdString(manifest->name)
                : d->model.format == "random" ? QStringLiteral("Placeholder (untrained)")
                                              : QFileInfo(path).completeBaseName();
    info.format = QString::fromStdString(d->model.format);
    // Sessions record it, to tell when they are opened with another file of the same shape.
    if (d->model.format != "random") {
        info.sha256 =
            file_sha256(QString::fromStdString(manifest ? manifest->generator : d->model.path));
    }
    info.device = QString::fromStdString(runtime::describe_device(dev));
    info.note = QString::fromStdString(note);
    info.resolution = c.resolution;
    info.num_ws = c.num_ws();
    info.w_dim = c.w_dim;
    info.z_dim = c.z_dim;
    for (const auto& name : classifier.names) info.attributes << QString::fromStdString(name);
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

// The code of a request, truncated and with its edits applied, [1, num_ws, w_dim].
at::Tensor edited_code(nn::GeneratorImpl& g, const std::vector<float>& code, double truncation,
                       const std::vector<EditSpec>& edits) {
    const int num_ws = g.config().num_ws(), w_dim = g.config().w_dim;
    if (static_cast<int64_t>(code.size()) != int64_t{num_ws} * w_dim) {
        throw std::invalid_argument("the code has " + std::to_string(code.size()) +
                                    " values; this model needs " + std::to_string(num_ws) + " x " +
                                    std::to_string(w_dim));
    }
    at::Tensor wplus =
        at::from_blob(const_cast<float*>(code.data()), {1, num_ws, w_dim}, at::kFloat)
            .to(g.latent_avg.device());
    wplus = g.truncate(wplus, truncation);
    return edit::apply_edits(wplus, to_stack(edits, num_ws, w_dim));
}
}  // namespace

QImage RenderEngine::render(const RenderRequest& request) {
    if (!d->loaded) throw std::runtime_error("no model is loaded");
    torch::NoGradGuard no_grad;
    auto& g = *d->model.generator;
    const at::Tensor wplus = edited_code(g, request.wplus, request.truncation, request.edits);
    return to_qimage(tensor_to_rgb(d->renderer->render(wplus)).front());
}

DiscoverResult RenderEngine::discover(const DiscoverRequest& r, const Progress& progress) {
    if (!d->loaded) throw std::runtime_error("no model is loaded");
    torch::NoGradGuard no_grad;
    auto& g = *d->model.generator;
    const auto& c = g.config();
    const int k = std::clamp(r.count, 1, c.w_dim);
    // Every direction is computed (an eigendecomposition of w_dim x w_dim either way), so that
    // the whole spectrum comes back; the first k become the candidates.
    at::Tensor directions, values;
    if (r.method == QLatin1String("sefa")) {
        const edit::LayerRange range{r.first_layer,
                                     r.last_layer < 0 ? c.num_ws() - 1 : r.last_layer};
        if (range.first < 0 || range.last >= c.num_ws() || range.first > range.last) {
            throw std::invalid_argument("layers " + range.to_string() +
                                        " are outside this model's 0-" +
                                        std::to_string(c.num_ws() - 1));
        }
        const edit::SefaResult s = edit::sefa(g, range, c.w_dim);
        directions = s.directions;
        values = s.eigenvalues;
    } else if (r.method == QLatin1String("pca")) {
        if (r.samples < 2) throw std::invalid_argument("PCA needs at least 2 samples");
        // As edit::ganspace draws them (seed 0, batches of 4096), in steps that can be stopped.
        at::Generator gen = at::detail::createCPUGenerator(0);
        const int64_t batch = 4096;
        std::vector<at::Tensor> ws;
        for (int64_t start = 0; start < r.samples; start += batch) {
            const int64_t n = std::min<int64_t>(batch, r.samples - start);
            const at::Tensor z = at::randn({n, c.z_dim}, gen, at::kFloat);
            ws.push_back(g.mapping(z.to(g.latent_avg.device())).cpu());
            if (!progress(0.9 * double(start + n) / r.samples)) return {};
        }
        const edit::PcaResult p = edit::pca(at::cat(ws, 0), c.w_dim);
        directions = p.components;
        values = p.stddev;
    } else {
        throw std::invalid_argument("unknown method '" + r.method.toStdString() + "'");
    }
    values = values.to(at::kDouble).contiguous();
    DiscoverResult out;
    for (int i = 0; i < k; ++i) {
        const at::Tensor row = directions[i].contiguous();
        out.candidates.push_back(
            {std::vector<float>(row.data_ptr<float>(), row.data_ptr<float>() + row.numel()),
             values[i].item<double>()});
    }
    // PCA's eigenvalues are the variances; its candidates keep the standard deviation.
    const at::Tensor spectrum = r.method == QLatin1String("pca") ? values.square() : values;
    out.spectrum.assign(spectrum.data_ptr<double>(),
                        spectrum.data_ptr<double>() + spectrum.numel());
    progress(1.0);
    return out;
}

std::vector<float> RenderEngine::score_attributes(const QImage& image) {
    if (!d->loaded || d->classifier.is_empty() || image.isNull()) return {};
    torch::NoGradGuard no_grad;
    const int side = d->classifier->config().resolution;
    at::Tensor x = rgb_to_tensor(to_rgb(image)).to(d->model.generator->latent_avg.device());
    // A larger render is averaged down to the classifier's input, a smaller one scaled up.
    if (x.size(-1) > side)
        x = at::adaptive_avg_pool2d(x, {side, side});
    else if (x.size(-1) < side)
        x = at::upsample_bilinear2d(x, {side, side}, /*align_corners=*/false);
    const at::Tensor scores = d->classifier->forward(x).squeeze(0).to(at::kCPU, at::kFloat);
    return std::vector<float>(scores.data_ptr<float>(), scores.data_ptr<float>() + scores.numel());
}

QImage RenderEngine::render_grid(const GridRequest& r, const Progress& progress) {
    if (!d->loaded) throw std::runtime_error("no model is loaded");
    if (r.ranges.empty() || r.strengths.empty())
        throw std::invalid_argument("a grid needs at least one layer range and one strength");
    torch::NoGradGuard no_grad;
    auto& g = *d->model.generator;
    const int num_ws = g.config().num_ws(), w_dim = g.config().w_dim;
    const at::Tensor wplus = edited_code(g, r.wplus, r.truncation, r.edits);
    EditSpec spec;
    spec.direction = r.direction;
    const at::Tensor direction = to_stack({spec}, num_ws, w_dim).front().direction;
    std::vector<RgbImage> cells;
    for (size_t row = 0; row < r.ranges.size(); ++row) {
        edit::GridRequest one;
        one.wplus = wplus;
        one.direction = direction;
        one.ranges = {edit::LayerRange{r.ranges[row].first, r.ranges[row].second}};
        one.strengths = r.strengths;
        for (auto& cell : tensor_to_rgb(edit::render_edit_grid(d->model.generator, one)))
            cells.push_back(std::move(cell));
        if (!progress(double(row + 1) / r.ranges.size())) return {};
    }
    const int rows = static_cast<int>(r.ranges.size());
    const int columns = static_cast<int>(r.strengths.size());
    if (r.cell_size <= 0)
        return to_qimage(labelled_grid(cells, rows, columns, r.row_labels, r.column_labels));
    // A preview strip: the cells scaled down, side by side.
    QImage strip(r.cell_size * columns, r.cell_size * rows, QImage::Format_RGB888);
    strip.fill(Qt::black);
    QPainter painter(&strip);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    for (size_t i = 0; i < cells.size(); ++i) {
        const QRect target(static_cast<int>(i % size_t(columns)) * r.cell_size,
                           static_cast<int>(i / size_t(columns)) * r.cell_size, r.cell_size,
                           r.cell_size);
        painter.drawImage(target, to_qimage(cells[i]));
    }
    return strip;
}

}  // namespace ls::ui
