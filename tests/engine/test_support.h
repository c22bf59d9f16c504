// Helpers shared by the engine tests: fixture paths and the fixtures' tolerance.
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <string>

namespace ls::test {

std::string fixture(const std::string& relative);  // under ../shared/fixtures/stylegan2
// The device the engine tests run on: LATENT_STUDIO_TEST_DEVICE ("cpu" when unset; "cuda" on
// a GPU host, see scripts/build-gpu.sh --tests). Fixture models and inputs go there.
at::Device test_device();
at::Tensor load_npy(const std::string& relative);  // on test_device()

// The fixtures' tolerance: max |diff| <= 2e-3 and mean |diff| <= 1e-4.
::testing::AssertionResult matches_reference(const at::Tensor& actual, const at::Tensor& expected,
                                             double max_tol = 2e-3, double mean_tol = 1e-4);

}  // namespace ls::test
