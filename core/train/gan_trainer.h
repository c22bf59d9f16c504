// StyleGAN2 training: the non-saturating logistic loss, lazy R1 regularisation of the
// discriminator, style mixing, and an exponential moving average of the generator (the
// network that is shipped), as in Karras et al. 2020 and stylegan2-ada-pytorch. Path-length
// regularisation and adaptive augmentation are not implemented (see docs/training.md).
//
// Every random draw of iteration i comes from generators seeded by (seed, i), and the
// optimiser state is saved by name: a run resumed from a checkpoint continues bit for bit
// the same on the CPU as one that never stopped.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <string>

#include "io/safetensors.h"
#include "model/config.h"
#include "model/discriminator.h"
#include "model/generator.h"
#include "train/adam.h"
#include "train/image_source.h"

namespace ls::train {

struct GanOptions {
    int batch = 32;
    double g_lr = 0.0025, d_lr = 0.0025;
    double r1_gamma = -1;  // < 0: 0.0002 * resolution^2 / batch (stylegan2-ada's heuristic)
    int r1_interval = 16;  // lazy regularisation: R1 every this many iterations
    double mixing_prob = 0.9;
    double ema_kimg = -1;  // < 0: batch * 10 / 32 thousand images (stylegan2-ada)
    double ema_rampup = 0.05;
    uint64_t seed = 0;

    double effective_r1_gamma(int resolution) const;
    double effective_ema_kimg() const;
};

struct GanStats {
    int64_t iteration = 0;  // completed iterations
    int64_t images = 0;     // real images shown to the discriminator
    double g_loss = 0, d_loss = 0, r1_penalty = 0;
    double real_logit = 0, fake_logit = 0;
};

class GanTrainer {
  public:
    GanTrainer(const GeneratorConfig& g, const DiscriminatorConfig& d, const GanOptions& options,
               ImageSource& source, const at::Device& device);
    // Continues a run from a checkpoint written by save_checkpoint (its networks, options and
    // position replace whatever a new run would have).
    static std::unique_ptr<GanTrainer> resume(const std::string& checkpoint, ImageSource& source,
                                              const at::Device& device);

    // One iteration: a discriminator step (with R1 when due), a generator step, the EMA.
    const GanStats& step();
    const GanStats& stats() const { return stats_; }
    const GanOptions& options() const { return options_; }

    // Everything needed to resume (float32), written atomically.
    void save_checkpoint(const std::string& path,
                         const std::map<std::string, std::string>& metadata = {}) const;
    // The shippable model: the EMA generator and the discriminator, in `dtype`
    // (model_file.h's format).
    void save_model(const std::string& path, io::DType dtype,
                    const std::map<std::string, std::string>& metadata = {}) const;

    nn::GeneratorImpl& generator_ema() { return *g_ema_; }
    nn::DiscriminatorImpl& discriminator() { return *d_; }

  private:
    GanTrainer(const GeneratorConfig& g, const DiscriminatorConfig& d, const GanOptions& options,
               ImageSource& source, const at::Device& device, bool init);
    at::Tensor sample_wplus(at::Generator& gen, bool track_average);
    void discriminator_step(const at::Tensor& real, at::Generator& gen, uint64_t noise_seed);
    void r1_step(const at::Tensor& real);
    void generator_step(at::Generator& gen, uint64_t noise_seed);
    void update_ema();

    GeneratorConfig g_config_;
    DiscriminatorConfig d_config_;
    GanOptions options_;
    ImageSource& source_;
    at::Device device_;
    nn::Generator g_{nullptr}, g_ema_{nullptr};
    nn::Discriminator d_{nullptr};
    std::unique_ptr<Adam> g_opt_, d_opt_;
    GanStats stats_;
};

// The image size of the networks in a training checkpoint (read from its metadata).
int checkpoint_resolution(const std::string& checkpoint);

// Configurations as JSON text (the checkpoint's metadata) and back.
std::string generator_config_json(const GeneratorConfig& c);
GeneratorConfig generator_config_from_json(const std::string& text);
std::string discriminator_config_json(const DiscriminatorConfig& c);
DiscriminatorConfig discriminator_config_from_json(const std::string& text);

}  // namespace ls::train
