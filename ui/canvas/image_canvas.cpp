#include "image_canvas.h"

#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <algorithm>
#include <cmath>

namespace ls::ui {

ImageCanvas::ImageCanvas(QQuickItem* parent) : QQuickPaintedItem(parent) {
    setAntialiasing(true);
    // The fit zoom depends on the item's size and the image's: keep bindings to it current.
    connect(this, &QQuickItem::widthChanged, this, &ImageCanvas::viewChanged);
    connect(this, &QQuickItem::heightChanged, this, &ImageCanvas::viewChanged);
    connect(this, &ImageCanvas::viewChanged, this, [this] { update(); });
}

void ImageCanvas::set_image(const QImage& image) {
    const bool size_changed = image.size() != image_.size();
    image_ = image;
    Q_EMIT imageChanged();
    if (size_changed) Q_EMIT viewChanged();
    update();
}

void ImageCanvas::set_original(const QImage& image) {
    original_ = image;
    Q_EMIT imageChanged();
    update();
}

double ImageCanvas::fit_zoom() const {
    if (image_.isNull() || width() <= 0 || height() <= 0) return 1.0;
    return std::min(width() / image_.width(), height() / image_.height());
}

void ImageCanvas::set_zoom(double zoom) {
    zoom_ = std::clamp(zoom, 0.05, 64.0);
    Q_EMIT viewChanged();
    update();
}

void ImageCanvas::set_pan_x(double v) {
    pan_x_ = v;
    Q_EMIT viewChanged();
    update();
}

void ImageCanvas::set_pan_y(double v) {
    pan_y_ = v;
    Q_EMIT viewChanged();
    update();
}

void ImageCanvas::set_show_original(bool on) {
    show_original_ = on;
    Q_EMIT viewChanged();
    update();
}

void ImageCanvas::set_split_view(bool on) {
    split_view_ = on;
    Q_EMIT viewChanged();
    update();
}

void ImageCanvas::set_split_position(double v) {
    split_position_ = std::clamp(v, 0.0, 1.0);
    Q_EMIT viewChanged();
    update();
}

void ImageCanvas::fit() {
    zoom_ = 0.0;
    pan_x_ = pan_y_ = 0.0;
    Q_EMIT viewChanged();
    update();
}

void ImageCanvas::actualSize() {
    pan_x_ = pan_y_ = 0.0;
    set_zoom(1.0);
}

void ImageCanvas::zoomAt(double factor, double x, double y) {
    const double old_zoom = zoom_ > 0 ? zoom_ : fit_zoom();
    const double new_zoom = std::clamp(old_zoom * factor, 0.05, 64.0);
    // The image point under (x, y) stays under it: offset from the centre scales with zoom.
    const double cx = width() / 2 + pan_x_, cy = height() / 2 + pan_y_;
    pan_x_ += (x - cx) * (1 - new_zoom / old_zoom);
    pan_y_ += (y - cy) * (1 - new_zoom / old_zoom);
    set_zoom(new_zoom);
}

QRectF ImageCanvas::image_rect() const {
    const double z = zoom_ > 0 ? zoom_ : fit_zoom();
    const double w = image_.width() * z, h = image_.height() * z;
    return {width() / 2 + pan_x_ - w / 2, height() / 2 + pan_y_ - h / 2, w, h};
}

void ImageCanvas::paint(QPainter* painter) {
    if (image_.isNull()) return;
    const QRectF target = image_rect();
    const double z = zoom_ > 0 ? zoom_ : fit_zoom();
    // At Fit a small image (a 64 px model's) is scaled smoothly, as a picture; pixels show
    // sharp only when the user zooms in past 100 % (a retoucher wants to see them then).
    painter->setRenderHint(QPainter::SmoothPixmapTransform, zoom_ <= 0 || z < 1.0);
    const bool have_original = !original_.isNull() && original_.size() == image_.size();
    if (show_original_ && have_original) {
        painter->drawImage(target, original_);
        return;
    }
    painter->drawImage(target, image_);
    if (split_view_ && have_original) {
        const double split_x = target.left() + target.width() * split_position_;
        const QRectF left(target.left(), target.top(), split_x - target.left(), target.height());
        const QRectF source(0, 0, image_.width() * split_position_, image_.height());
        painter->drawImage(left, original_, source);
        painter->setPen(QPen(Qt::white, 2));
        painter->drawLine(QPointF(split_x, target.top()), QPointF(split_x, target.bottom()));
    }
    paint_overlays(painter, target);
}

void ImageCanvas::paint_overlays(QPainter* painter, const QRectF& target) {
    if (mask_visible_ && !mask_overlay_.isNull()) {
        painter->setRenderHint(QPainter::SmoothPixmapTransform, true);
        painter->drawImage(target, mask_overlay_);
    }
    if (overlay_quad_.size() != 4) return;
    QPolygonF quad;
    for (const QVariant& v : overlay_quad_) {
        const QPointF p = v.toPointF();
        quad << fromImage(p.x(), p.y());
    }
    // Outside the box dimmed, the box outlined, its corners as handles.
    QPainterPath outside;
    outside.addRect(boundingRect());
    QPainterPath inside;
    inside.addPolygon(quad);
    inside.closeSubpath();
    painter->fillPath(outside.subtracted(inside), QColor(0, 0, 0, 110));
    painter->setRenderHint(QPainter::Antialiasing, true);
    painter->setPen(QPen(QColor(255, 255, 255), 2));
    painter->drawPolygon(quad);
    painter->setPen(QPen(QColor(61, 127, 217), 2, Qt::DashLine));
    painter->drawLine(quad[0], quad[3]);  // the top edge: which way is up in the crop
    painter->setPen(QPen(Qt::black, 1));
    painter->setBrush(Qt::white);
    for (const QPointF& p : quad) painter->drawEllipse(p, 6, 6);
}

QPointF ImageCanvas::toImage(double x, double y) const {
    const QRectF r = image_rect();
    if (image_.isNull() || r.width() <= 0) return {};
    return {(x - r.left()) * image_.width() / r.width(),
            (y - r.top()) * image_.height() / r.height()};
}

QPointF ImageCanvas::fromImage(double x, double y) const {
    const QRectF r = image_rect();
    if (image_.isNull()) return {};
    return {r.left() + x * r.width() / image_.width(), r.top() + y * r.height() / image_.height()};
}

void ImageCanvas::set_overlay_quad(const QVariantList& quad) {
    overlay_quad_ = quad;
    Q_EMIT overlayChanged();
    update();
}

void ImageCanvas::set_mask(const QImage& mask) {
    if (!stroke_base_.isNull()) return;  // the stroke's own result arrives after it ends
    mask_ = mask.isNull() ? QImage() : mask.convertToFormat(QImage::Format_Grayscale8);
    apply_stroke(mask_.rect());
    Q_EMIT maskChanged();
}

void ImageCanvas::set_mask_size(const QSize& size) {
    mask_size_ = size;
    Q_EMIT viewChanged();
}

double ImageCanvas::mask_scale() const {
    const QSize m = mask_size_.isValid() ? mask_size_ : image_.size();
    return image_.isNull() || m.width() <= 0 ? 1.0 : double(image_.width()) / m.width();
}

QPointF ImageCanvas::to_mask(double x, double y) const {
    return toImage(x, y) / mask_scale();
}

void ImageCanvas::set_mask_visible(bool on) {
    mask_visible_ = on;
    Q_EMIT overlayChanged();
    update();
}

void ImageCanvas::set_tool(const QString& tool) {
    tool_ = tool;
    Q_EMIT brushChanged();
}

void ImageCanvas::set_brush_size(double size) {
    brush_size_ = std::clamp(size, 1.0, 512.0);
    Q_EMIT brushChanged();
}

void ImageCanvas::set_brush_hardness(double h) {
    brush_hardness_ = std::clamp(h, 0.0, 1.0);
    Q_EMIT brushChanged();
}

void ImageCanvas::set_brush_opacity(double o) {
    brush_opacity_ = std::clamp(o, 0.0, 1.0);
    Q_EMIT brushChanged();
}

int ImageCanvas::maskValue(int x, int y) const {
    if (mask_.isNull() || !mask_.rect().contains(x, y)) return 0;
    return mask_.constScanLine(y)[x];
}

void ImageCanvas::beginStroke(double x, double y) {
    if (tool_.isEmpty() || image_.isNull()) return;
    // The mask covers the image; a missing one (or one of another size) starts empty.
    const QSize size = mask_size_.isValid() ? mask_size_ : image_.size();
    if (mask_.size() != size) {
        mask_ = QImage(size, QImage::Format_Grayscale8);
        mask_.fill(0);
    }
    stroke_base_ = mask_.copy();
    coverage_.assign(size_t(mask_.width()) * size_t(mask_.height()), 0.0f);
    last_dab_ = to_mask(x, y);
    dab(last_dab_);
    Q_EMIT brushChanged();
}

void ImageCanvas::strokeTo(double x, double y) {
    if (stroke_base_.isNull()) return;
    const QPointF to = to_mask(x, y);
    // Dabs a quarter of the brush apart: a continuous line however fast the mouse moves.
    const double step = std::max(0.5, brush_size_ / 4);
    const double length = std::hypot(to.x() - last_dab_.x(), to.y() - last_dab_.y());
    const int n = static_cast<int>(length / step);
    const QPointF from = last_dab_;
    for (int i = 1; i <= n; ++i) dab(from + (to - from) * (i * step / length));
    if (n > 0) last_dab_ = from + (to - from) * (n * step / length);
}

void ImageCanvas::endStroke() {
    if (stroke_base_.isNull()) return;
    stroke_base_ = QImage();
    coverage_.clear();
    Q_EMIT brushChanged();
    Q_EMIT maskChanged();
    Q_EMIT maskPainted(mask_, tool_ == QLatin1String("eraser") ? tr("Eraser") : tr("Brush"));
}

void ImageCanvas::dab(QPointF at) {
    const double radius = brush_size_ / 2;
    // Full strength inside hardness * radius, then a smooth fall to 0 at the radius.
    const double hard = brush_hardness_ * radius;
    const QRect area =
        QRect(QPoint(int(std::floor(at.x() - radius)), int(std::floor(at.y() - radius))),
              QPoint(int(std::ceil(at.x() + radius)), int(std::ceil(at.y() + radius))))
            .intersected(mask_.rect());
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const double d = std::hypot(x + 0.5 - at.x(), y + 0.5 - at.y());
            if (d >= radius) continue;
            double t = d <= hard ? 1.0 : 1.0 - (d - hard) / std::max(1e-6, radius - hard);
            t = t * t * (3 - 2 * t);  // smoothstep: no visible ring at the edge
            float& c = coverage_[size_t(y) * size_t(mask_.width()) + size_t(x)];
            c = std::max(c, float(t * brush_opacity_));
        }
    }
    apply_stroke(area);
}

// The mask inside `area` from the stroke's base and coverage, and the overlay with it.
void ImageCanvas::apply_stroke(const QRect& area) {
    if (mask_.isNull()) {
        mask_overlay_ = QImage();
        update();
        return;
    }
    if (mask_overlay_.size() != mask_.size()) {
        mask_overlay_ = QImage(mask_.size(), QImage::Format_ARGB32_Premultiplied);
        mask_overlay_.fill(Qt::transparent);
    }
    const bool erase = tool_ == QLatin1String("eraser");
    for (int y = area.top(); y <= area.bottom(); ++y) {
        uchar* m = mask_.scanLine(y);
        auto* o = reinterpret_cast<QRgb*>(mask_overlay_.scanLine(y));
        for (int x = area.left(); x <= area.right(); ++x) {
            if (!stroke_base_.isNull()) {
                const double base = stroke_base_.constScanLine(y)[x];
                const double c = coverage_[size_t(y) * size_t(mask_.width()) + size_t(x)];
                m[x] = uchar(std::lround(erase ? base * (1 - c) : base + (255 - base) * c));
            }
            // Half-transparent red where painted (premultiplied).
            const int a = m[x] / 2;
            o[x] = qRgba(a, a * 40 / 255, a * 40 / 255, a);
        }
    }
    update();
}

}  // namespace ls::ui
