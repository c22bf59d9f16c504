// QImage <-> the engine's 8-bit images (RgbImage, GreyImage), row by row (QImage rows are
// padded to 4 bytes). No LibTorch: the editor and the worker both use these.
#pragma once

#include <QImage>

#include <cstring>

#include "imaging/rgb_image.h"

namespace ls::ui {

inline QImage to_qimage(const RgbImage& rgb) {
    QImage image(rgb.width, rgb.height, QImage::Format_RGB888);
    const auto row = static_cast<size_t>(rgb.width) * 3;
    for (int y = 0; y < rgb.height; ++y)
        std::memcpy(image.scanLine(y), rgb.pixels.data() + y * row, row);
    return image;
}

inline RgbImage to_rgb(const QImage& source) {
    const QImage image = source.convertToFormat(QImage::Format_RGB888);
    RgbImage out{image.width(), image.height(), {}};
    const auto row = static_cast<size_t>(image.width()) * 3;
    out.pixels.resize(row * static_cast<size_t>(image.height()));
    for (int y = 0; y < image.height(); ++y)
        std::memcpy(out.pixels.data() + y * row, image.constScanLine(y), row);
    return out;
}

inline QImage to_qimage(const GreyImage& grey) {
    QImage image(grey.width, grey.height, QImage::Format_Grayscale8);
    const auto row = static_cast<size_t>(grey.width);
    for (int y = 0; y < grey.height; ++y)
        std::memcpy(image.scanLine(y), grey.pixels.data() + y * row, row);
    return image;
}

inline GreyImage to_grey(const QImage& source) {
    const QImage image = source.convertToFormat(QImage::Format_Grayscale8);
    GreyImage out{image.width(), image.height(), {}};
    const auto row = static_cast<size_t>(image.width());
    out.pixels.resize(row * static_cast<size_t>(image.height()));
    for (int y = 0; y < image.height(); ++y)
        std::memcpy(out.pixels.data() + y * row, image.constScanLine(y), row);
    return out;
}

}  // namespace ls::ui
