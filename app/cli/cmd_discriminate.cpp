#include <torch/csrc/autograd/grad_mode.h>

#include "cli_common.h"
#include "commands.h"
#include "io/npy.h"
#include "model/tensor_npy.h"

namespace ls::cli {

namespace {
struct DiscriminateOptions {
    std::string model, images, out_npy, device = "auto";
};

int run_discriminate(const DiscriminateOptions& o) {
    check_output_path(o.out_npy);
    Model m = open_model(o.model, o.device);
    if (!m.discriminator) {
        throw InputError("'" + m.path + "' has no discriminator");
    }
    const auto& c = m.discriminator->config();
    const at::Tensor images =
        read_batch(o.images, {c.img_channels, c.resolution, c.resolution}, "images");
    const int64_t group = c.mbstd_group_size;
    if (group > 0 && images.size(0) > group && images.size(0) % group != 0) {
        throw InputError("the discriminator compares images in groups of " + std::to_string(group) +
                         ": give a batch that is a multiple of it (got " +
                         std::to_string(images.size(0)) + ")");
    }
    torch::NoGradGuard no_grad;
    const at::Tensor logits = m.discriminator->forward(images.to(m.generator->latent_avg.device()));
    io::write_npy(o.out_npy, tensor_to_npy(logits));
    return kOk;
}
}  // namespace

Runner add_discriminate(CLI::App& app) {
    auto o = std::make_shared<DiscriminateOptions>();
    app.add_option("--model", o->model, "Model file; default: the embedded model");
    app.add_option("--images", o->images, "Images, .npy [N, 3, H, W] in the network's range")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--out-npy", o->out_npy, "Logits, .npy [N, 1]")->required();
    app.add_option("--device", o->device, "auto, cpu or cuda");
    return [o] { return run_discriminate(*o); };
}

}  // namespace ls::cli
