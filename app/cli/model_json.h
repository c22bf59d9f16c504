// A model's configuration as JSON (the output of `info`, and the header of `bench`).
#pragma once

#include <nlohmann/json.hpp>

#include "model/model.h"

namespace ls::cli {

nlohmann::json generator_json(const GeneratorConfig& c);
nlohmann::json discriminator_json(const DiscriminatorConfig& c);
nlohmann::json model_json(const Model& m);
// What every benchmark report starts with: the device and the threads it ran on.
nlohmann::json bench_header(const at::Device& device);

}  // namespace ls::cli
