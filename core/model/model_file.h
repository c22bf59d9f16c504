// Latent Studio's own network files: safetensors (a JSON header and raw tensors, readable by
// every ecosystem, and no code to run when reading) with rosinality's state-dict keys:
//   g_ema.<key>   the generator (its latent_avg as g_ema.latent_avg)
//   d.<key>       the discriminator, when saved
// and string metadata: "format" = "latent-studio-model", "format_version" = "1", plus
// whatever the writer adds (how the file was made). The configuration is inferred from the
// tensors, as for the other formats. docs/model-format.md describes the format in full.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "model/checkpoint.h"

namespace torch::nn {
class Module;
}

namespace ls {

inline constexpr const char* kModelFormat = "latent-studio-model";

// True when the file starts like a safetensors file (the header length, then '{').
bool looks_like_safetensors(const std::string& path);

// The networks in a Latent Studio model file, as a Checkpoint (format "latent-studio").
Checkpoint read_model_file(const std::string& path);

// The named parameters and buffers of `module`, each under `prefix` + its name, as bytes of
// `dtype` (Float32 or Float16) for write_safetensors.
void append_module_tensors(const torch::nn::Module& module, const std::string& prefix,
                           io::DType dtype, std::vector<io::TensorBytes>* out);
io::TensorBytes tensor_bytes(const std::string& name, const at::Tensor& t, io::DType dtype);
at::Tensor to_tensor(const io::RawTensor& raw);

// The tensors of `file` whose names start with `prefix`, under the rest of their names.
StateDict tensors_with_prefix(const io::SafetensorsFile& file, const std::string& prefix);

// Copies the tensors named `prefix` + name from `file` into `module`'s parameters and buffers
// (load_state: every one must be there, with its shape). Throws ModelError naming the first
// problem.
void load_module_tensors(torch::nn::Module& module, const io::SafetensorsFile& file,
                         const std::string& prefix, const std::string& what);

}  // namespace ls
