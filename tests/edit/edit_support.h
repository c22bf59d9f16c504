// What the edit tests share: the fixture models and small random ones.
#pragma once

#include <ATen/ATen.h>

#include <string>

#include "model/model.h"

namespace ls::test {

Model fixture_model(const std::string& name);  // a file under fixtures/stylegan2
// A random generator of `resolution` px with small channels (fast to run).
Model small_random_model(int resolution, int w_dim = 16, uint64_t seed = 1);

}  // namespace ls::test
