#include "invert/image_metrics.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace ls::invert {

namespace {

// Mean of `values` [N, C, H, W] weighted by `weight` [N, 1, H, W] (broadcast over channels).
at::Tensor weighted_mean(const at::Tensor& values, const at::Tensor& weight) {
    if (!weight.defined()) return values.mean();
    const at::Tensor w = weight.expand_as(values);
    return (values * w).sum() / w.sum().clamp_min(1e-8);
}

void check_pair(const at::Tensor& a, const at::Tensor& b) {
    if (a.dim() != 4 || a.sizes() != b.sizes()) {
        throw std::invalid_argument("image measures need two [N, C, H, W] images of one shape");
    }
}

at::Tensor gaussian_window(int64_t channels, const at::TensorOptions& options) {
    const int size = 11;
    const double sigma = 1.5;
    at::Tensor g = at::arange(size, options).sub(size / 2).square().div(-2 * sigma * sigma).exp();
    g = g / g.sum();
    return g.outer(g).expand({channels, 1, size, size}).contiguous();
}

}  // namespace

at::Tensor masked_mse(const at::Tensor& a, const at::Tensor& b, const at::Tensor& weight) {
    check_pair(a, b);
    return weighted_mean((a - b).square(), weight);
}

at::Tensor ssim(const at::Tensor& a, const at::Tensor& b, const at::Tensor& weight) {
    check_pair(a, b);
    const int64_t c = a.size(1);
    if (a.size(2) < 11 || a.size(3) < 11) {
        throw std::invalid_argument("SSIM needs images of at least 11 x 11 pixels");
    }
    const at::Tensor x = (a + 1) / 2, y = (b + 1) / 2;
    const at::Tensor win = gaussian_window(c, a.options());
    auto blur = [&](const at::Tensor& t) {
        return at::conv2d(t, win, at::Tensor(), at::IntArrayRef{1}, at::IntArrayRef{0},
                          at::IntArrayRef{1}, c);
    };
    const at::Tensor mx = blur(x), my = blur(y);
    const at::Tensor sxx = blur(x * x) - mx * mx, syy = blur(y * y) - my * my;
    const at::Tensor sxy = blur(x * y) - mx * my;
    const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
    const at::Tensor map =
        ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2));
    // A window centre counts with the weight of its centre pixel.
    at::Tensor w;
    if (weight.defined()) w = weight.narrow(2, 5, map.size(2)).narrow(3, 5, map.size(3));
    return weighted_mean(map, w);
}

double psnr(const at::Tensor& a, const at::Tensor& b, const at::Tensor& weight) {
    const double mse =
        masked_mse(a.detach().clamp(-1, 1), b.detach().clamp(-1, 1), weight).item<double>();
    if (mse <= 0) return std::numeric_limits<double>::infinity();
    return 10 * std::log10(4.0 / mse);
}

}  // namespace ls::invert
