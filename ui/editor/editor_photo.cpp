// The editor's photo side (issue 6): open a photo, place the crop box, invert with a live
// preview, paint and fill a mask, and export the full photo with the edit pasted back.
#include <QFileInfo>
#include <QSettings>
#include <QUndoCommand>
#include <QtMath>

#include <algorithm>
#include <cmath>

#include "editor_controller.h"
#include "engine/file_hash.h"
#include "engine/image_convert.h"
#include "imaging/photo.h"
#include "imaging/photo_crop.h"

namespace ls::ui {

namespace {

QString local_file(const QUrl& url) {
    return url.isLocalFile() ? url.toLocalFile() : url.toString();
}

Point2 centre_of(const Alignment& a) {
    Point2 c;
    for (const Point2& p : a.quad) {
        c.x += p.x / 4;
        c.y += p.y / 4;
    }
    return c;
}

// The crop's side in photo pixels.
double side_of(const Alignment& a) {
    return std::hypot(a.quad[3].x - a.quad[0].x, a.quad[3].y - a.quad[0].y);
}

// The fill is blended over a sixteenth of the crop (a few pixels of a 64 px crop).
constexpr double kFillFeather = 1.0 / 16;

QImage scaled_to(const QImage& image, const QSize& size) {
    return (image.size() == size
                ? image
                : image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation))
        .convertToFormat(QImage::Format_RGB888);
}

// out = base + (edited - reconstruction) upsampled to base's size, per channel, saturated: the
// photo's own crop with only the edit's change added (strength 0 shows the photo as it is).
// Bilinear upsampling is linear, so the difference of the upsampled images is the upsampled
// difference (within a level of rounding), as paste_edit makes it for the export.
QImage add_difference(const QImage& base, const QImage& edited, const QImage& reconstruction) {
    QImage out = base.convertToFormat(QImage::Format_RGB888);
    const QImage e = scaled_to(edited, out.size());
    const QImage r = scaled_to(reconstruction, out.size());
    for (int y = 0; y < out.height(); ++y) {
        uchar* o = out.scanLine(y);
        const uchar* pe = e.constScanLine(y);
        const uchar* pr = r.constScanLine(y);
        for (int x = 0; x < out.width() * 3; ++x)
            o[x] = uchar(std::clamp(o[x] + pe[x] - pr[x], 0, 255));
    }
    return out;
}

}  // namespace

void EditorController::openPhoto(const QUrl& file) {
    if (!ready()) {
        report_error(tr("The model is still loading; open the photo when it is ready"));
        return;
    }
    drop_inversion();  // its code would belong to the previous photo
    request_photo(local_file(file), QStringLiteral("auto"), std::nullopt);
}

void EditorController::drop_inversion() {
    if (!invert_job_) return;
    inference_->worker()->cancel_inversion(invert_job_);
    invert_job_ = 0;  // its result is ignored when it comes
    Q_EMIT invertChanged();
}

void EditorController::request_photo(const QString& path, const QString& crop_mode,
                                     const std::optional<Alignment>& alignment) {
    PhotoRequest r;
    r.job = photo_job_ = ++generation_;
    r.path = path;
    if (photo_ && path == photo_path_) r.photo = photo_;  // re-detection: no second read
    r.crop_mode = crop_mode;
    r.alignment = alignment;
    r.yunet_model = yunet_model_;
    set_status(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    Q_EMIT photoChanged();
    QMetaObject::invokeMethod(inference_->worker(), "open_photo", Qt::QueuedConnection,
                              Q_ARG(ls::ui::PhotoRequest, r));
}

void EditorController::on_photo_opened(const PhotoResult& result) {
    if (result.job != photo_job_) return;  // a newer photo was asked for
    photo_job_ = 0;
    const bool new_photo = result.photo != photo_;
    if (new_photo) {
        photo_ = result.photo;
        photo_path_ = QFileInfo(result.path).absoluteFilePath();
        if (!restoring_session_) photo_sha256_ = file_sha256(photo_path_);
        const QImage full = to_qimage(*photo_);
        photo_display_ = std::max(full.width(), full.height()) > kDisplaySide
                             ? full.scaled(kDisplaySide, kDisplaySide, Qt::KeepAspectRatio,
                                           Qt::SmoothTransformation)
                             : full;
        display_scale_ = double(photo_display_.width()) / full.width();
    }
    box_ = result.alignment;
    photo_note_ = result.note;
    const QString name = QFileInfo(photo_path_).fileName();
    if (new_photo && !restoring_session_ && !state_.mask.isNull()) {
        // The mask was painted on the previous crop: it means nothing on this photo.
        state_.mask = QImage();
        Q_EMIT maskChanged();
    }
    if (restoring_session_) {
        // The session's code was inverted from this crop: its pixels are back.
        if (state_.frame) {
            state_.frame->target = result.crop;
            state_.frame->native = result.native;
        }
        photo_stage_ = state_.frame ? QStringLiteral("edit") : QStringLiteral("crop");
        set_status(restore_warning_.isEmpty() ? tr("Opened the session's photo %1").arg(name)
                                              : restore_warning_);
    } else {
        photo_stage_ = QStringLiteral("crop");
        set_status(photo_note_.isEmpty()
                       ? tr("Opened %1: move or resize the crop box, then Invert").arg(name)
                       : photo_note_);
    }
    restoring_session_ = false;
    Q_EMIT photoChanged();
    Q_EMIT cropChanged();
    update_view();
}

bool EditorController::photo_failed(quint64 job) {
    if (job == 0) return false;
    if (job == photo_job_) {
        // A photo that cannot be read changes nothing: the previous photo (if any) stays.
        photo_job_ = 0;
        restoring_session_ = false;
        Q_EMIT photoChanged();
        return true;
    }
    if (job == invert_job_) {
        invert_job_ = 0;
        Q_EMIT invertChanged();
        update_view();
        return true;
    }
    return false;
}

void EditorController::close_photo() {
    drop_inversion();
    photo_.reset();
    photo_path_.clear();
    photo_sha256_.clear();
    photo_note_.clear();
    photo_display_ = QImage();
    photo_stage_.clear();
    Q_EMIT photoChanged();
    Q_EMIT cropChanged();
}

void EditorController::closePhoto() {
    if (!photo_) return;
    const QString name = photo_name();
    EditorState after = state_;
    after.frame.reset();
    after.mask = QImage();
    after.fill_mask = QImage();
    close_photo();
    push_change(tr("Close photo %1").arg(name), state_, after, false);
    set_status(tr("Closed %1: its code stays, to edit or sample from").arg(name));
}

QString EditorController::photo_name() const {
    return photo_ ? QFileInfo(photo_path_).fileName() : QString();
}

QSize EditorController::photo_size() const {
    return photo_ ? QSize(photo_->width, photo_->height) : QSize();
}

QVariantList EditorController::crop_quad() const {
    QVariantList out;
    if (!photo_) return out;
    for (const Point2& p : box_.quad) out.append(QPointF(p.x, p.y) * display_scale_);
    return out;
}

void EditorController::redetectFace() {
    if (photo_) request_photo(photo_path_, QStringLiteral("auto"), std::nullopt);
}

void EditorController::centreCrop() {
    if (!photo_) return;
    box_ = centre_alignment(photo_->width, photo_->height);
    photo_note_.clear();
    Q_EMIT photoChanged();
    Q_EMIT cropChanged();
}

void EditorController::moveCrop(double dx, double dy) {
    if (!photo_) return;
    for (Point2& p : box_.quad) {
        p.x += dx / display_scale_;
        p.y += dy / display_scale_;
    }
    box_.method = "user";
    Q_EMIT cropChanged();
}

void EditorController::dragCropCorner(double x, double y) {
    if (!photo_) return;
    const Point2 c = centre_of(box_);
    const double old_half = std::hypot(box_.quad[0].x - c.x, box_.quad[0].y - c.y);
    // At least 8 photo pixels across, so that the box stays visible and invertible.
    const double new_half =
        std::max(8.0, std::hypot(x / display_scale_ - c.x, y / display_scale_ - c.y));
    if (old_half <= 0) return;
    const double k = new_half / old_half;
    for (Point2& p : box_.quad) p = {c.x + (p.x - c.x) * k, c.y + (p.y - c.y) * k};
    box_.method = "user";
    Q_EMIT cropChanged();
}

void EditorController::adjustCrop() {
    if (!photo_ || invert_job_) return;
    photo_stage_ = QStringLiteral("crop");
    Q_EMIT photoChanged();
}

void EditorController::backToEdit() {
    if (!photo_ || !state_.frame) return;
    box_ = state_.frame->alignment;
    photo_stage_ = QStringLiteral("edit");
    Q_EMIT photoChanged();
    Q_EMIT cropChanged();
    update_view();
}

void EditorController::invertPhoto() {
    if (!photo_ || invert_job_) return;
    start_inversion({});
}

void EditorController::fillMask() {
    if (!photo_ || invert_job_) return;
    if (!has_mask()) {
        report_error(tr("Paint the region to fill first (B: brush)"));
        return;
    }
    // The fill belongs to the crop the current code was inverted from.
    if (state_.frame) box_ = state_.frame->alignment;
    start_inversion(state_.mask);
}

void EditorController::start_inversion(const QImage& mask) {
    InvertRequest r;
    r.job = invert_job_ = ++generation_;
    r.photo = photo_;
    r.alignment = invert_alignment_ = box_;
    r.mask = mask;
    r.preset = invert_preset_;
    r.wplus = invert_wplus_;
    r.seed = static_cast<quint64>(invert_seed_);
    r.steps = invert_steps_override_;
    invert_is_fill_ = !mask.isNull();
    invert_mask_ = mask;
    last_step_ = InvertStep();
    invert_losses_.clear();
    invert_best_losses_.clear();
    invert_preview_ = invert_target_ = QImage();
    photo_stage_ = QStringLiteral("edit");
    set_status(invert_is_fill_ ? tr("Filling the painted region…") : tr("Inverting the photo…"));
    Q_EMIT photoChanged();
    Q_EMIT invertChanged();
    QMetaObject::invokeMethod(inference_->worker(), "invert", Qt::QueuedConnection,
                              Q_ARG(ls::ui::InvertRequest, r));
}

void EditorController::cancelJob() {
    if (invert_job_) {
        inference_->worker()->cancel_inversion(invert_job_);
        set_status(tr("Stopping at the next step (the best code so far is kept)…"));
    } else if (discover_job_) {
        cancelDiscovery();
    }
}

void EditorController::on_invert_step(const InvertStep& step) {
    if (step.job != invert_job_) return;
    last_step_ = step;
    invert_losses_.append(step.loss);
    invert_best_losses_.append(step.best_loss);
    if (!step.target.isNull()) invert_target_ = step.target;
    if (!step.preview.isNull()) {
        invert_preview_ = step.preview;
        update_view();
    }
    Q_EMIT invertChanged();
}

void EditorController::on_inverted(const InvertOutcome& out) {
    if (out.job != invert_job_) return;
    invert_job_ = 0;
    EditorState after = state_;
    after.base = out.wplus;
    after.seed.reset();
    after.code_source = photo_path_;
    after.truncation = 1.0;  // a photo's code is used as it is
    after.frame = EditorState::PhotoFrame{invert_alignment_, out.target, out.native};
    QString text;
    if (invert_is_fill_) {
        after.fill_mask = invert_mask_;
        text = tr("Fill");
    } else {
        // A new photo's code starts unedited, with nothing filled.
        for (auto& row : after.edits) row.spec.strength = 0.0;
        after.fill_mask = QImage();
        after.mask = QImage();  // painted on the previous crop
        text = tr("Invert %1").arg(photo_name());
    }
    push_change(text, state_, after, true);
    Q_EMIT invertChanged();
    set_status(out.cancelled ? tr("Stopped at step %1 of %2: kept the best code so far (loss %3)")
                                   .arg(out.steps_run)
                                   .arg(out.steps)
                                   .arg(out.loss, 0, 'f', 4)
                             : tr("%1 in %2 s: %3 steps, loss %4")
                                   .arg(text)
                                   .arg(out.seconds, 0, 'f', 1)
                                   .arg(out.steps_run)
                                   .arg(out.loss, 0, 'f', 4));
}

bool EditorController::has_mask() const {
    if (state_.mask.isNull()) return false;
    for (int y = 0; y < state_.mask.height(); ++y) {
        const uchar* row = state_.mask.constScanLine(y);
        if (std::any_of(row, row + state_.mask.width(), [](uchar v) { return v > 0; })) return true;
    }
    return false;
}

void EditorController::setMask(const QImage& mask, const QString& what) {
    EditorState next = state_;
    next.mask = mask.convertToFormat(QImage::Format_Grayscale8);
    push_change(what.isEmpty() ? tr("Paint mask") : what, state_, next, false);
}

void EditorController::clearMask() {
    if (state_.mask.isNull()) return;
    EditorState next = state_;
    next.mask = QImage();
    push_change(tr("Clear mask"), state_, next, false);
}

// What the canvas shows outside the crop box stage: the live preview while inverting, else
// for a photo the crop as the export will have it, else the model's image.
void EditorController::update_view() {
    const bool photo_view = photo_ && state_.frame && !state_.frame->target.isNull() &&
                            !image_.isNull() && image_.size() == state_.frame->target.size() &&
                            original_.size() == image_.size();
    if (invert_job_) {
        view_original_ = invert_target_;
        view_image_ = invert_preview_.isNull() ? invert_target_ : invert_preview_;
    } else if (photo_view) {
        // At the photo's own scale, as the export will have it.
        const QImage& native =
            state_.frame->native.isNull() ? state_.frame->target : state_.frame->native;
        QImage base = native;
        if (!state_.fill_mask.isNull() && state_.fill_mask.size() == image_.size()) {
            const QImage fill_mask = state_.fill_mask.scaled(native.size(), Qt::IgnoreAspectRatio,
                                                             Qt::SmoothTransformation);
            base = to_qimage(composite_masked(to_rgb(native),
                                              to_rgb(scaled_to(original_, native.size())),
                                              to_grey(fill_mask), kFillFeather * native.width()));
        }
        view_original_ = native;
        view_image_ = paste_mode_ == QLatin1String("replace")
                          ? scaled_to(image_, native.size())
                          : add_difference(base, image_, original_);
    } else {
        view_image_ = image_;
        view_original_ = original_;
    }
    Q_EMIT viewChanged();
}

// The full-resolution photo with the fill and the edit pasted back.
std::function<QImage()> EditorController::photo_export_job() const {
    PasteOptions options;
    options.poisson = poisson_;
    const PasteMode mode =
        paste_mode_ == QLatin1String("replace") ? PasteMode::Replace : PasteMode::Difference;
    return [photo = photo_, a = state_.frame->alignment, reconstruction = original_,
            edited = image_, fill = state_.fill_mask, options, mode] {
        RgbImage out = *photo;
        const RgbImage r = to_rgb(reconstruction);
        if (!fill.isNull()) out = paste_fill(out, a, r, to_grey(fill), kFillFeather * side_of(a));
        return to_qimage(paste_edit(out, a, r, to_rgb(edited), mode, options));
    };
}

SessionPhoto EditorController::session_photo() const {
    SessionPhoto p;
    p.path = photo_path_;
    p.sha256 = photo_sha256_;
    p.alignment = state_.frame ? state_.frame->alignment : box_;
    p.preset = invert_preset_;
    p.wplus = invert_wplus_;
    p.seed = static_cast<quint64>(invert_seed_);
    p.steps = invert_steps_override_;
    return p;
}

void EditorController::restore_session_photo(const SessionPhoto& p) {
    set_invert_preset(p.preset);
    set_invert_wplus(p.wplus);
    set_invert_seed(static_cast<int>(p.seed));
    const QString name = QFileInfo(p.path).fileName();
    if (!QFileInfo::exists(p.path)) {
        close_photo();
        report_error(tr("The session's photo %1 is missing: its code and edits are restored, "
                        "but the photo cannot be exported until it is back")
                         .arg(p.path));
        return;
    }
    const QString sha = file_sha256(p.path);
    restore_warning_.clear();
    if (!p.sha256.isEmpty() && sha != p.sha256) {
        restore_warning_ = tr("The photo %1 has changed since the session was saved: the crop "
                              "and the code may no longer match it")
                               .arg(name);
        report_error(restore_warning_);
    }
    photo_.reset();  // read again: it may have changed
    photo_sha256_ = sha;
    restoring_session_ = true;
    request_photo(p.path, QStringLiteral("auto"), p.alignment);
}

void EditorController::set_invert_preset(const QString& name) {
    if (name == invert_preset_) return;
    invert_preset_ = name;
    QSettings().setValue("invertPreset", name);
    Q_EMIT photoSettingsChanged();
}

void EditorController::set_invert_wplus(bool on) {
    if (on == invert_wplus_) return;
    invert_wplus_ = on;
    QSettings().setValue("invertWPlus", on);
    Q_EMIT photoSettingsChanged();
}

void EditorController::set_invert_seed(int seed) {
    if (seed == invert_seed_) return;
    invert_seed_ = std::max(0, seed);
    Q_EMIT photoSettingsChanged();
}

void EditorController::set_invert_steps_override(int steps) {
    invert_steps_override_ = std::max(0, steps);
    Q_EMIT photoSettingsChanged();
}

void EditorController::set_paste_mode(const QString& mode) {
    if (mode == paste_mode_) return;
    paste_mode_ = mode == QLatin1String("replace") ? mode : QStringLiteral("difference");
    QSettings().setValue("pasteMode", paste_mode_);
    Q_EMIT photoSettingsChanged();
    update_view();
}

void EditorController::set_poisson(bool on) {
    poisson_ = on;
    QSettings().setValue("poisson", on);
    Q_EMIT photoSettingsChanged();
}

void EditorController::set_yunet_model(const QString& path) {
    yunet_model_ = path;
    QSettings().setValue("yunetModel", path);
    Q_EMIT photoSettingsChanged();
}

}  // namespace ls::ui
