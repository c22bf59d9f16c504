// latent-studio-cli export: a model in rosinality/stylegan2-pytorch's checkpoint layout
// ({"g_ema": state dict, "d": state dict, "latent_avg": tensor}, torch.save's zip format),
// so that the Python tools that read those checkpoints can use what Latent Studio trained.
#include <torch/csrc/jit/serialization/pickle.h>

#include <iostream>

#include "cli_common.h"
#include "commands.h"
#include "io/npy.h"

namespace ls::cli {

namespace {

struct ExportOptions {
    std::string model, out, format = "rosinality-pt";
};

// A module's parameters and buffers under rosinality's names, as float32 CPU tensors.
c10::impl::GenericDict state_dict(const torch::nn::Module& m) {
    c10::impl::GenericDict out(c10::StringType::get(), c10::TensorType::get());
    for (const auto& p : m.named_parameters(true)) {
        out.insert(p.key(), p.value().detach().to(at::kCPU, at::kFloat).contiguous());
    }
    for (const auto& b : m.named_buffers(true)) {
        if (b.key() == "latent_avg") continue;  // a top-level key in rosinality's checkpoints
        out.insert(b.key(), b.value().detach().to(at::kCPU, at::kFloat).contiguous());
    }
    return out;
}

int run_export(const ExportOptions& o) {
    check_output_path(o.out);
    Model m = open_model(o.model, "cpu");
    c10::impl::GenericDict top(c10::StringType::get(), c10::AnyType::get());
    top.insert("g_ema", state_dict(*m.generator));
    if (m.discriminator) top.insert("d", state_dict(*m.discriminator));
    top.insert("latent_avg", m.generator->latent_avg.detach().to(at::kCPU).contiguous());
    const std::vector<char> bytes = torch::jit::pickle_save(c10::IValue(top));
    io::write_file_atomic(o.out, std::vector<uint8_t>(bytes.begin(), bytes.end()));
    std::cerr << "wrote " << o.out << " (torch.load(path) in Python gives {'g_ema', "
              << (m.discriminator ? "'d', " : "") << "'latent_avg'})\n";
    return kOk;
}

}  // namespace

Runner add_export(CLI::App& app) {
    auto o = std::make_shared<ExportOptions>();
    app.add_option("--model", o->model, "Model file or folder; default: the embedded model");
    app.add_option("--format", o->format, "rosinality-pt: a torch.save checkpoint")
        ->check(CLI::IsMember({"rosinality-pt"}))
        ->capture_default_str();
    app.add_option("--out", o->out, "The .pt file to write")->required();
    return [o] { return run_export(*o); };
}

}  // namespace ls::cli
