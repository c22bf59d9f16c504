#include "image_canvas.h"

#include <QPainter>
#include <algorithm>

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
    // Magnified pixels stay sharp (a retoucher wants to see them); reduced ones are smoothed.
    painter->setRenderHint(QPainter::SmoothPixmapTransform, z < 1.0);
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
}

}  // namespace ls::ui
