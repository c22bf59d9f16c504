// Loading generator (and discriminator) weights from the files people have:
//  - rosinality/stylegan2-pytorch checkpoints (.pt, zip or legacy torch.save): {g_ema, d,
//    latent_avg, ...} or a bare generator state dict
//  - NVIDIA stylegan2-ada-pytorch network pickles (.pkl): {G_ema, D, ...} persistent objects
// Both are converted to rosinality's state-dict keys and the configuration is inferred from
// the tensors' names and shapes.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "model/config.h"

namespace ls {

// A checkpoint that was read but does not describe a network this engine can run.
class ModelError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

using StateDict = std::map<std::string, at::Tensor>;

struct Checkpoint {
    std::string path;
    std::string format;         // "rosinality-pt" or "stylegan2-ada-pkl"
    std::string serialization;  // "zip", "legacy" or "pickle"
    GeneratorConfig g_config;
    StateDict g_state;  // includes "latent_avg" when the file has one
    std::optional<DiscriminatorConfig> d_config;
    StateDict d_state;
};

// Reads and converts; throws io::FormatError for unreadable files and ModelError for files
// that hold something else than a StyleGAN2 network.
Checkpoint read_checkpoint(const std::string& path);

}  // namespace ls
