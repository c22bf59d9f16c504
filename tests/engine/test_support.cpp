#include "test_support.h"

#include <ATen/Context.h>

#include <cstdlib>
#include <sstream>

#include "io/npy.h"
#include "model/tensor_npy.h"
#include "runtime/runtime.h"

namespace ls::test {

std::string fixture(const std::string& relative) {
    return std::string(LATENT_STUDIO_FIXTURES) + "/stylegan2/" + relative;
}

at::Device test_device() {
    const char* env = std::getenv("LATENT_STUDIO_TEST_DEVICE");
    const at::Device device = runtime::pick_device(env && *env ? env : "cpu");
    if (device.is_cuda()) {
        // cuDNN convolutions use TF32 on Ampere and later by default (as in PyTorch): 10-bit
        // mantissas, measured max |diff| 0.008 on the fixtures' images, over their 2e-3
        // tolerance. The tests check the float32 arithmetic the reference outputs were made with.
        at::globalContext().setAllowTF32CuDNN(false);
        at::globalContext().setAllowTF32CuBLAS(false);
    }
    return device;
}

at::Tensor load_npy(const std::string& relative) {
    return npy_to_tensor(io::read_npy(fixture(relative))).to(test_device());
}

::testing::AssertionResult matches_reference(const at::Tensor& actual, const at::Tensor& expected,
                                             double max_tol, double mean_tol) {
    const at::Tensor a = actual.detach().to(at::kCPU, at::kFloat).contiguous();
    const at::Tensor e = expected.to(at::kCPU, at::kFloat);
    if (a.sizes() != e.sizes()) {
        std::ostringstream s;
        s << "shape " << a.sizes() << " != expected " << e.sizes();
        return ::testing::AssertionFailure() << s.str();
    }
    const at::Tensor diff = (a - e).abs();
    const double max_diff = diff.max().item<double>(), mean_diff = diff.mean().item<double>();
    if (max_diff <= max_tol && mean_diff <= mean_tol && !a.isnan().any().item<bool>()) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "max |diff| " << max_diff << " (tol " << max_tol << "), mean |diff| " << mean_diff
           << " (tol " << mean_tol << ")";
}

}  // namespace ls::test
