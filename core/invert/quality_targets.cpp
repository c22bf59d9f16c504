#include "invert/quality_targets.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>
#include <stdexcept>

#include "model/generator.h"
#include "model/model.h"
#include "portrait/portrait_renderer.h"
#include "train/image_source.h"

namespace ls::invert {

at::Tensor generated_targets(nn::GeneratorImpl& g, int count, double psi) {
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> zs;
    for (int s = 0; s < count; ++s) zs.push_back(z_from_seed(s, 1, g.config().z_dim));
    const at::Tensor z = at::cat(zs).to(g.latent_avg.device());
    return g.synthesis(g.truncate(g.broadcast(g.mapping(z)), psi), nn::NoiseMode::Const);
}

at::Tensor rendered_targets(int resolution, int count) {
    return train::portrait_source(resolution, 1'000'000'000, 2)->batch(count, 0);
}

namespace {

at::Tensor box_mask(int resolution, float x0, float y0, float x1, float y1) {
    at::Tensor m = at::zeros({1, 1, resolution, resolution});
    auto px = [&](float f) { return static_cast<int64_t>(std::lround(f * resolution)); };
    m.narrow(2, px(y0), px(y1) - px(y0)).narrow(3, px(x0), px(x1) - px(x0)).fill_(1);
    return m;
}

at::Tensor region_mask(int resolution, portrait::Region r) {
    const portrait::Box b = portrait::region_box(r);
    return box_mask(resolution, b.x0, b.y0, b.x1, b.y1);
}

}  // namespace

std::vector<HiddenRegion> hidden_regions(int resolution) {
    return {{"left_eye", region_mask(resolution, portrait::Region::LeftEye)},
            {"mouth", region_mask(resolution, portrait::Region::Mouth)},
            {"box_25", box_mask(resolution, 0.25f, 0.25f, 0.75f, 0.75f)}};
}

GreyImage mask_to_grey(const at::Tensor& mask) {
    if (mask.dim() != 4 || mask.size(0) != 1 || mask.size(1) != 1) {
        throw std::invalid_argument("a mask tensor is [1, 1, H, W]");
    }
    const at::Tensor u8 =
        (mask.detach().to(at::kCPU, at::kFloat) >= 0.5).to(at::kByte).mul(255).contiguous();
    GreyImage out{static_cast<int>(mask.size(3)), static_cast<int>(mask.size(2)), {}};
    out.pixels.assign(u8.data_ptr<uint8_t>(), u8.data_ptr<uint8_t>() + u8.numel());
    return out;
}

at::Tensor grey_to_mask(const GreyImage& mask) {
    if (mask.width <= 0 || mask.height <= 0 ||
        mask.pixels.size() != static_cast<size_t>(mask.width) * mask.height) {
        throw std::invalid_argument("grey_to_mask: the pixels do not match the mask's size");
    }
    return at::from_blob(const_cast<uint8_t*>(mask.pixels.data()), {1, 1, mask.height, mask.width},
                         at::kByte)
        .to(at::kFloat)
        .div(255);
}

at::Tensor known_from_mask(const GreyImage& mask) {
    return (1 - 2 * grey_to_mask(mask)).clamp_min(0);
}

}  // namespace ls::invert
