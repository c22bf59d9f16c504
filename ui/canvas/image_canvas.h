// The canvas: paints the current image with zoom and pan, and the original beside it for
// before/after (all of it, or left of a draggable divider in the split view). Over it: a
// photo's crop box (a quad in image pixels) and the inpainting mask, which the brush and the
// eraser paint (in the mask's pixels, mapped onto the image).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QImage>
#include <QQuickPaintedItem>
#include <QVariantList>

#include <vector>

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
    // The crop box's corners in image pixels (none: no box).
    Q_PROPERTY(
        QVariantList overlayQuad READ overlay_quad WRITE set_overlay_quad NOTIFY overlayChanged)
    // The mask (Grayscale8, 255 = painted), shown as a translucent red overlay.
    Q_PROPERTY(QImage mask READ mask WRITE set_mask NOTIFY maskChanged)
    Q_PROPERTY(bool maskVisible READ mask_visible WRITE set_mask_visible NOTIFY overlayChanged)
    // The size a new mask gets (a photo's crop at the model's resolution, while the image shows
    // it at the photo's scale); invalid: the image's size. Brush sizes are in mask pixels.
    Q_PROPERTY(QSize maskSize READ mask_size WRITE set_mask_size NOTIFY viewChanged)
    // Image pixels per mask pixel (for the brush's outline).
    Q_PROPERTY(double maskScale READ mask_scale NOTIFY viewChanged)
    // "brush", "eraser" or "" (no painting).
    Q_PROPERTY(QString tool READ tool WRITE set_tool NOTIFY brushChanged)
    Q_PROPERTY(double brushSize READ brush_size WRITE set_brush_size NOTIFY brushChanged)
    // 1: a hard edge; 0: the whole radius fades out.
    Q_PROPERTY(
        double brushHardness READ brush_hardness WRITE set_brush_hardness NOTIFY brushChanged)
    Q_PROPERTY(double brushOpacity READ brush_opacity WRITE set_brush_opacity NOTIFY brushChanged)
    Q_PROPERTY(bool painting READ painting NOTIFY brushChanged)

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
    // Item coordinates <-> image pixels.
    Q_INVOKABLE QPointF toImage(double x, double y) const;
    Q_INVOKABLE QPointF fromImage(double x, double y) const;
    // A stroke of the current tool through item coordinates; endStroke emits maskPainted.
    Q_INVOKABLE void beginStroke(double x, double y);
    Q_INVOKABLE void strokeTo(double x, double y);
    Q_INVOKABLE void endStroke();
    // The mask at image pixel (x, y), 0..255 (tests).
    Q_INVOKABLE int maskValue(int x, int y) const;

    QVariantList overlay_quad() const { return overlay_quad_; }
    void set_overlay_quad(const QVariantList& quad);
    QImage mask() const { return mask_; }
    void set_mask(const QImage& mask);
    bool mask_visible() const { return mask_visible_; }
    QSize mask_size() const { return mask_size_; }
    void set_mask_size(const QSize& size);
    double mask_scale() const;
    void set_mask_visible(bool on);
    QString tool() const { return tool_; }
    void set_tool(const QString& tool);
    double brush_size() const { return brush_size_; }
    void set_brush_size(double size);
    double brush_hardness() const { return brush_hardness_; }
    void set_brush_hardness(double h);
    double brush_opacity() const { return brush_opacity_; }
    void set_brush_opacity(double o);
    bool painting() const { return !stroke_base_.isNull(); }

  Q_SIGNALS:
    void imageChanged();
    void viewChanged();
    void overlayChanged();
    void maskChanged();
    void brushChanged();
    // A finished stroke: the whole mask after it, and "Brush" or "Eraser".
    void maskPainted(const QImage& mask, const QString& tool);

  private:
    QRectF image_rect() const;
    void dab(QPointF at);                       // in mask pixels
    QPointF to_mask(double x, double y) const;  // from item coordinates
    void apply_stroke(const QRect& area);
    void paint_overlays(QPainter* painter, const QRectF& target);
    QImage image_, original_;
    double zoom_ = 0.0;  // 0: fit
    double pan_x_ = 0.0, pan_y_ = 0.0;
    bool show_original_ = false, split_view_ = false;
    double split_position_ = 0.5;
    QVariantList overlay_quad_;
    QImage mask_, mask_overlay_;  // the overlay: red, alpha from the mask
    bool mask_visible_ = true;
    QSize mask_size_;
    QString tool_;
    double brush_size_ = 8.0, brush_hardness_ = 0.5, brush_opacity_ = 1.0;
    // During a stroke: the mask before it and the stroke's coverage (0..1, the maximum of its
    // dabs, so that a stroke crossing itself does not build up past its opacity).
    QImage stroke_base_;
    std::vector<float> coverage_;
    QPointF last_dab_;
};

}  // namespace ls::ui
