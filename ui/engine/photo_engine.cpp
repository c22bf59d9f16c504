// RenderEngine's photo side: opening a photo and finding its crop, and the inversion with a
// live preview (issue 6). Runs on the inference worker's thread.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <QElapsedTimer>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "imaging/photo.h"
#include "imaging/photo_crop.h"
#include "invert/inverter.h"
#include "invert/model_encoder.h"
#include "invert/quality_targets.h"
#include "model/tensor_npy.h"
#include "render_engine_impl.h"

namespace ls::ui {

namespace {

CropMode crop_mode(const QString& name) {
    if (name == QLatin1String("face")) return CropMode::Face;
    if (name == QLatin1String("centre")) return CropMode::Centre;
    return CropMode::Auto;
}

// The model's framing: its manifest's "alignment"; a model without a manifest is taken as an
// FFHQ-aligned face model (most published StyleGAN2 checkpoints are).
std::optional<AlignTemplate> model_framing(const Model& model) {
    return framing_for(model.manifest ? model.manifest->alignment : std::string("ffhq"));
}

// The crop at the photo's own scale, so that the editor shows the photo's detail (between the
// model's resolution and kNativeSide).
QImage native_crop(const RgbImage& photo, const Alignment& a, int resolution) {
    const double side = std::hypot(a.quad[3].x - a.quad[0].x, a.quad[3].y - a.quad[0].y);
    const int n = std::clamp(static_cast<int>(std::lround(side)), resolution,
                             std::max(resolution, kNativeSide));
    return to_qimage(warp_to_crop(photo, a, n));
}

QImage render_best(const invert::Inverter& inverter) {
    at::NoGradGuard no_grad;
    return to_qimage(tensor_to_rgb(inverter.best_image().cpu()).front());
}

}  // namespace

PhotoResult RenderEngine::open_photo(const PhotoRequest& request) {
    if (!d->loaded) throw std::runtime_error("no model is loaded");
    PhotoResult out;
    out.job = request.job;
    out.path = request.path;
    out.photo = request.photo
                    ? request.photo
                    : std::make_shared<const RgbImage>(read_photo(request.path.toStdString()));
    const int resolution = d->model.generator->config().resolution;
    if (request.alignment) {
        out.alignment = *request.alignment;
        out.crop = to_qimage(warp_to_crop(*out.photo, out.alignment, resolution));
        out.native = native_crop(*out.photo, out.alignment, resolution);
        return out;
    }
    DetectorOptions detector;
    detector.yunet_model = request.yunet_model.toStdString();
    const PhotoCrop crop = crop_photo(*out.photo, model_framing(d->model), resolution,
                                      crop_mode(request.crop_mode), detector);
    out.alignment = crop.alignment;
    out.note = QString::fromStdString(crop.note);
    out.crop = to_qimage(crop.crop);
    out.native = native_crop(*out.photo, out.alignment, resolution);
    return out;
}

InvertOutcome RenderEngine::invert(const InvertRequest& r, const InvertProgress& report) {
    if (!d->loaded) throw std::runtime_error("no model is loaded");
    if (!r.photo) throw std::invalid_argument("no photo to invert");
    QElapsedTimer timer;
    timer.start();
    auto& g = *d->model.generator;
    const int resolution = g.config().resolution;
    const at::Device device = g.latent_avg.device();
    if (!d->encoder_loaded) {
        d->encoder = invert::load_model_encoder(d->model);
        d->encoder_loaded = true;
    }
    const RgbImage crop = warp_to_crop(*r.photo, r.alignment, resolution);
    const at::Tensor target = rgb_to_tensor(crop).to(device);
    at::Tensor known;  // undefined: every pixel counts
    if (!r.mask.isNull()) {
        if (r.mask.width() != resolution || r.mask.height() != resolution)
            throw std::invalid_argument("the mask does not have the crop's size");
        known = invert::known_from_mask(to_grey(r.mask)).to(device);
    }
    invert::InvertOptions options = invert::preset(r.preset.toStdString());
    options.wplus = r.wplus;
    options.seed = r.seed;
    if (r.steps > 0) options.steps = r.steps;
    // The inversion needs autograd: a plain grad-enabled scope (never InferenceMode).
    at::AutoGradMode grad(true);
    invert::Inverter inverter(g, invert::discriminator_ptr(d->model),
                              invert::encoder_ptr(d->encoder), target, known, options);
    InvertOutcome out;
    out.job = r.job;
    out.steps = options.steps;
    out.target = to_qimage(crop);
    out.native = native_crop(*r.photo, r.alignment, resolution);
    const int every = std::max(1, r.preview_every);
    while (!inverter.done()) {
        const invert::StepReport s = inverter.step();
        InvertStep step{r.job, s.step, s.steps, s.loss, s.best_loss, {}, {}};
        if (s.step == 1 || (s.step % every == 0 && s.step < s.steps))
            step.preview = render_best(inverter);
        if (s.step == 1) step.target = out.target;
        out.steps_run = s.step;
        if (!report(step)) {
            out.cancelled = true;
            break;
        }
    }
    at::NoGradGuard no_grad;
    out.wplus = tensor_to_npy(inverter.best_wplus().contiguous().cpu()).data;
    out.image = render_best(inverter);
    out.loss = inverter.best_loss();
    out.seconds = timer.nsecsElapsed() / 1e9;
    return out;
}

}  // namespace ls::ui
