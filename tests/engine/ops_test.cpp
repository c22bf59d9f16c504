// The fast forms of StyleGAN2's operations against straightforward references: LibTorch's
// own conv_transpose2d, loops written from the definitions, and the grouped ("fused")
// modulated convolution of the reference codes.
#include "model/ops.h"
#include "model/layers.h"
#include "test_support.h"

namespace ls {
namespace {

using test::matches_reference;

// upfirdn2d written from its definition: zero insertion, padding, true convolution, stride.
at::Tensor naive_upfirdn2d(const at::Tensor& x, const at::Tensor& f, int up, int down, int p0,
                           int p1) {
    const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const int64_t kh = f.size(0), kw = f.size(1);
    const int64_t uh = h * up + p0 + p1, uw = w * up + p0 + p1;
    at::Tensor padded = at::zeros({n, c, uh, uw});
    auto pa = padded.accessor<float, 4>();
    auto xa = x.accessor<float, 4>();
    for (int64_t a = 0; a < n; ++a)
        for (int64_t b = 0; b < c; ++b)
            for (int64_t i = 0; i < h; ++i)
                for (int64_t j = 0; j < w; ++j) pa[a][b][i * up + p0][j * up + p0] = xa[a][b][i][j];
    const int64_t oh = (uh - kh) / down + 1, ow = (uw - kw) / down + 1;
    at::Tensor out = at::zeros({n, c, oh, ow});
    auto oa = out.accessor<float, 4>();
    auto fa = f.accessor<float, 2>();
    for (int64_t a = 0; a < n; ++a)
        for (int64_t b = 0; b < c; ++b)
            for (int64_t i = 0; i < oh; ++i)
                for (int64_t j = 0; j < ow; ++j) {
                    double s = 0;
                    for (int64_t u = 0; u < kh; ++u)
                        for (int64_t v = 0; v < kw; ++v)
                            s += pa[a][b][i * down + u][j * down + v] * fa[kh - 1 - u][kw - 1 - v];
                    oa[a][b][i][j] = static_cast<float>(s);
                }
    return out;
}

TEST(Ops, Upfirdn2dMatchesItsDefinition) {
    at::manual_seed(1);
    const at::Tensor x = at::randn({2, 3, 5, 6});
    const at::Tensor f = at::rand({4, 3});  // asymmetric, so that a missing flip shows
    for (auto [up, down, p0, p1] : std::vector<std::array<int, 4>>{
             {2, 1, 2, 1}, {1, 1, 1, 1}, {1, 2, 2, 2}, {1, 2, 1, 1}, {2, 2, 0, 3}}) {
        EXPECT_TRUE(matches_reference(ops::upfirdn2d(x, f, up, down, p0, p1),
                                      naive_upfirdn2d(x, f, up, down, p0, p1), 1e-5, 1e-6))
            << up << " " << down << " " << p0 << " " << p1;
    }
}

TEST(Ops, PhaseTransposedConvolutionEqualsConvTranspose2d) {
    at::manual_seed(2);
    for (int k : {1, 2, 3, 4, 5}) {
        const at::Tensor x = at::randn({3, 6, 7, 5});
        const at::Tensor w = at::randn({4, 6, k, k});
        const at::Tensor expected = at::conv_transpose2d(x, w.transpose(0, 1), {}, 2);
        EXPECT_TRUE(matches_reference(ops::conv_transpose_stride2(x, w), expected, 1e-4, 1e-5))
            << "k=" << k;
        const at::Tensor cl = x.contiguous(at::MemoryFormat::ChannelsLast);
        EXPECT_TRUE(matches_reference(ops::conv_transpose_stride2(cl, w), expected, 1e-4, 1e-5))
            << "channels-last k=" << k;
    }
}

// rosinality's fused ModulatedConv2d: per-sample weights, one grouped convolution.
at::Tensor fused_modulated_conv(nn::ModulatedConvImpl& m, const at::Tensor& x,
                                const at::Tensor& w) {
    const int64_t n = x.size(0), in = x.size(1), h = x.size(2), wd = x.size(3);
    const at::Tensor style = m.modulation->forward(w).reshape({n, 1, in, 1, 1});
    at::Tensor weight = m.scale * m.weight * style;  // [N, out, in, k, k]
    if (m.demodulate) {
        const at::Tensor d = at::rsqrt(weight.square().sum({2, 3, 4}) + 1e-8);
        weight = weight * d.reshape({n, -1, 1, 1, 1});
    }
    const int64_t out = weight.size(1), k = weight.size(3);
    const at::Tensor xg = x.reshape({1, n * in, h, wd});
    if (m.upsample) {
        at::Tensor wt =
            weight.reshape({n, out, in, k, k}).transpose(1, 2).reshape({n * in, out, k, k});
        at::Tensor y = at::conv_transpose2d(xg, wt, {}, 2, 0, 0, n);
        y = y.reshape({n, out, y.size(2), y.size(3)});
        return naive_upfirdn2d(y, m.blur->kernel, 1, 1, 1, 1);
    }
    at::Tensor y = at::conv2d(xg, weight.reshape({n * out, in, k, k}), {}, 1, k / 2, 1, n);
    return y.reshape({n, out, h, wd});
}

TEST(Ops, ModulatedConvolutionEqualsTheFusedReference) {
    at::manual_seed(3);
    for (bool upsample : {false, true}) {
        for (bool demodulate : {true, false}) {
            nn::ModulatedConv conv(5, 7, 3, 8, demodulate, upsample,
                                   std::vector<float>{1, 3, 3, 1});
            const at::Tensor x = at::randn({3, 5, 6, 6});
            const at::Tensor w = at::randn({3, 8});
            EXPECT_TRUE(matches_reference(conv->forward(x, w), fused_modulated_conv(*conv, x, w),
                                          1e-4, 1e-5))
                << "upsample " << upsample << " demodulate " << demodulate;
        }
    }
}

TEST(Ops, MinibatchStddevFollowsItsDefinition) {
    at::manual_seed(4);
    const at::Tensor x = at::randn({8, 6, 3, 3});
    const at::Tensor out = ops::minibatch_stddev(x, 4, 2);
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{8, 8, 3, 3}));
    EXPECT_TRUE(at::equal(out.narrow(1, 0, 6), x));
    // Sample i is in group position i / 2 and subgroup i % 2; channels split in 2 features.
    for (int64_t i = 0; i < 8; ++i) {
        for (int64_t f = 0; f < 2; ++f) {
            const at::Tensor members =
                x.index_select(0, at::arange(i % 2, 8, 2)).narrow(1, f * 3, 3);
            const at::Tensor sd = (members.var(0, false) + 1e-8).sqrt().mean();
            EXPECT_NEAR(out[i][6 + f][1][2].item<float>(), sd.item<float>(), 1e-6);
        }
    }
    EXPECT_THROW(ops::minibatch_stddev(at::randn({6, 6, 3, 3}), 4, 1), std::invalid_argument);
}

}  // namespace
}  // namespace ls

namespace ls {
namespace {

TEST(Ops, PolyphaseUpsamplingEqualsUpfirdn2d) {
    at::manual_seed(5);
    const at::Tensor f = at::rand({4, 4});
    for (bool channels_last : {false, true}) {
        at::Tensor x = at::randn({2, 3, 5, 7});
        if (channels_last) x = x.contiguous(at::MemoryFormat::ChannelsLast);
        EXPECT_TRUE(matches_reference(ops::upsample2d(x, f, 2, 1),
                                      naive_upfirdn2d(x.contiguous(), f, 2, 1, 2, 1), 1e-5, 1e-6))
            << "channels-last " << channels_last;
    }
}

TEST(Ops, ComposedUpsamplingEqualsTransposedConvolutionThenBlur) {
    at::manual_seed(6);
    const at::Tensor w = at::randn({4, 5, 3, 3});
    const at::Tensor f = at::rand({4, 4});
    at::Tensor D;
    int64_t u_lo = 0;
    ASSERT_TRUE(ops::compose_upsample_kernel(w, f, 1, 1, &D, &u_lo));
    for (bool channels_last : {false, true}) {
        at::Tensor x = at::randn({2, 5, 6, 4});
        const at::Tensor expected = naive_upfirdn2d(
            at::conv_transpose2d(x, w.transpose(0, 1), {}, 2).contiguous(), f, 1, 1, 1, 1);
        if (channels_last) x = x.contiguous(at::MemoryFormat::ChannelsLast);
        EXPECT_TRUE(matches_reference(ops::upsample2x_polyphase(x, ops::pack_polyphase(D, u_lo)),
                                      expected, 1e-4, 1e-5))
            << "channels-last " << channels_last;
    }
    // A pipeline that does not give 2H rows is declined.
    EXPECT_FALSE(ops::compose_upsample_kernel(w, f, 2, 2, &D, &u_lo));
}

}  // namespace
}  // namespace ls
