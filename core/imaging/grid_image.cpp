#include "imaging/grid_image.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <stdexcept>

namespace ls {

namespace {

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
const cv::Scalar kBackground(255, 255, 255);
const cv::Scalar kInk(30, 30, 30);
constexpr int kGap = 2;  // between cells, so that neighbouring images do not run together

struct TextStyle {
    double scale;
    int thickness, pad;
};

// Text that stays readable from 64 px cells to 1024 px ones.
TextStyle style_for(int cell_width) {
    const double scale = std::clamp(cell_width / 180.0, 0.35, 1.4);
    return {scale, scale > 0.8 ? 2 : 1, std::max(3, static_cast<int>(6 * scale))};
}

cv::Size widest(const std::vector<std::string>& labels, const TextStyle& s) {
    cv::Size out(0, 0);
    for (const auto& l : labels) {
        int baseline = 0;
        const cv::Size t = cv::getTextSize(l, kFont, s.scale, s.thickness, &baseline);
        out.width = std::max(out.width, t.width);
        out.height = std::max(out.height, t.height + baseline);
    }
    return out;
}

void check(const std::vector<RgbImage>& cells, int rows, int columns,
           const std::vector<std::string>& row_labels,
           const std::vector<std::string>& column_labels) {
    if (rows < 1 || columns < 1 || cells.size() != static_cast<size_t>(rows) * columns) {
        throw std::invalid_argument("grid: the number of images does not match rows x columns");
    }
    for (const auto& c : cells) {
        if (c.width != cells[0].width || c.height != cells[0].height ||
            c.pixels.size() != static_cast<size_t>(c.width) * c.height * 3) {
            throw std::invalid_argument("grid: the images differ in size");
        }
    }
    if ((!row_labels.empty() && row_labels.size() != static_cast<size_t>(rows)) ||
        (!column_labels.empty() && column_labels.size() != static_cast<size_t>(columns))) {
        throw std::invalid_argument("grid: one label per row and per column");
    }
}

}  // namespace

RgbImage labelled_grid(const std::vector<RgbImage>& cells, int rows, int columns,
                       const std::vector<std::string>& row_labels,
                       const std::vector<std::string>& column_labels) {
    check(cells, rows, columns, row_labels, column_labels);
    const int w = cells[0].width, h = cells[0].height;
    const TextStyle s = style_for(w);
    const cv::Size row_text = widest(row_labels, s), column_text = widest(column_labels, s);
    const int left = row_labels.empty() ? 0 : row_text.width + 2 * s.pad;
    const int top = column_labels.empty() ? 0 : column_text.height + 2 * s.pad;
    cv::Mat out(top + rows * (h + kGap) - kGap, left + columns * (w + kGap) - kGap, CV_8UC3,
                kBackground);
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < columns; ++c) {
            const RgbImage& img = cells[static_cast<size_t>(r) * columns + c];
            const cv::Mat cell(h, w, CV_8UC3, const_cast<uint8_t*>(img.pixels.data()));
            cell.copyTo(out(cv::Rect(left + c * (w + kGap), top + r * (h + kGap), w, h)));
        }
    }
    for (int c = 0; c < static_cast<int>(column_labels.size()); ++c) {
        int baseline = 0;
        const cv::Size t =
            cv::getTextSize(column_labels[c], kFont, s.scale, s.thickness, &baseline);
        const cv::Point at(left + c * (w + kGap) + (w - t.width) / 2, s.pad + t.height);
        cv::putText(out, column_labels[c], at, kFont, s.scale, kInk, s.thickness, cv::LINE_AA);
    }
    for (int r = 0; r < static_cast<int>(row_labels.size()); ++r) {
        int baseline = 0;
        const cv::Size t = cv::getTextSize(row_labels[r], kFont, s.scale, s.thickness, &baseline);
        const cv::Point at(s.pad, top + r * (h + kGap) + (h + t.height) / 2);
        cv::putText(out, row_labels[r], at, kFont, s.scale, kInk, s.thickness, cv::LINE_AA);
    }
    RgbImage grid;
    grid.width = out.cols;
    grid.height = out.rows;
    grid.pixels.assign(out.data, out.data + out.total() * 3);
    return grid;
}

}  // namespace ls
