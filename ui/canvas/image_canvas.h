// The canvas: paints the current image with zoom and pan, and the original beside it for
// before/after (all of it, or left of a draggable divider in the split view).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QImage>
#include <QQuickPaintedItem>

namespace ls::ui {

class ImageCanvas : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QImage image READ image WRITE set_image NOTIFY imageChanged)
    Q_PROPERTY(QImage original READ original WRITE set_original NOTIFY imageChanged)
    Q_PROPERTY(double zoom READ zoom WRITE set_zoom NOTIFY viewChanged)
    Q_PROPERTY(double panX READ pan_x WRITE set_pan_x NOTIFY viewChanged)
    Q_PROPERTY(double panY READ pan_y WRITE set_pan_y NOTIFY viewChanged)
    Q_PROPERTY(bool showOriginal READ show_original WRITE set_show_original NOTIFY viewChanged)
    Q_PROPERTY(bool splitView READ split_view WRITE set_split_view NOTIFY viewChanged)
    Q_PROPERTY(double splitPosition READ split_position WRITE set_split_position NOTIFY viewChanged)
    Q_PROPERTY(double fitZoom READ fit_zoom NOTIFY viewChanged)

  public:
    explicit ImageCanvas(QQuickItem* parent = nullptr);
    void paint(QPainter* painter) override;

    QImage image() const { return image_; }
    void set_image(const QImage& image);
    QImage original() const { return original_; }
    void set_original(const QImage& image);
    double zoom() const { return zoom_; }
    void set_zoom(double zoom);
    double pan_x() const { return pan_x_; }
    void set_pan_x(double v);
    double pan_y() const { return pan_y_; }
    void set_pan_y(double v);
    bool show_original() const { return show_original_; }
    void set_show_original(bool on);
    bool split_view() const { return split_view_; }
    void set_split_view(bool on);
    double split_position() const { return split_position_; }
    void set_split_position(double v);
    double fit_zoom() const;

    // Ctrl+0 and Ctrl+1.
    Q_INVOKABLE void fit();
    Q_INVOKABLE void actualSize();
    // Wheel zoom that keeps the point under the cursor in place.
    Q_INVOKABLE void zoomAt(double factor, double x, double y);

  Q_SIGNALS:
    void imageChanged();
    void viewChanged();

  private:
    QRectF image_rect() const;
    QImage image_, original_;
    double zoom_ = 0.0;  // 0: fit
    double pan_x_ = 0.0, pan_y_ = 0.0;
    bool show_original_ = false, split_view_ = false;
    double split_position_ = 0.5;
};

}  // namespace ls::ui
