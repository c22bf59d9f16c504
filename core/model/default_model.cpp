#include "model/default_model.h"

#include "model/build_paths.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace fs = std::filesystem;

namespace ls {

namespace {
fs::path executable_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

// No trained default model ships yet: an untrained network of a small configuration keeps
// the programs usable (and says so).
Model placeholder_model(const at::Device& device) {
    GeneratorConfig g;
    g.resolution = 64;
    g.z_dim = g.w_dim = 128;
    g.mapping_layers = 4;
    g.channels = {{4, 128}, {8, 128}, {16, 128}, {32, 64}, {64, 32}};
    DiscriminatorConfig d;
    d.resolution = 64;
    d.channels = g.channels;
    Model m = random_model(g, d, 0, device);
    m.path = "(untrained placeholder)";
    return m;
}
}  // namespace

std::optional<std::string> default_model_path() {
    if (const char* env = std::getenv("LATENT_STUDIO_MODEL"); env && *env) {
        // "placeholder": the untrained network, for tests and benchmarks of everything but
        // the model (fast, and independent of what models/ ships).
        if (std::string(env) == "placeholder") return std::nullopt;
        return std::string(env);
    }
    const std::vector<fs::path> dirs = {
        executable_dir() / ".." / "share" / "latent-studio" / "models",
        fs::path(LATENT_STUDIO_SOURCE_MODELS_DIR)};
    for (const auto& dir : dirs) {
        const fs::path manifest = dir / "default" / "manifest.json";
        std::error_code ec;
        if (fs::is_regular_file(manifest, ec)) return manifest.string();
    }
    return std::nullopt;
}

Model open_model_or_default(const std::string& path, const at::Device& device, std::string* note) {
    if (!path.empty()) return load_model(path, device);
    if (auto found = default_model_path()) return load_model(*found, device);
    if (note) {
        *note =
            "no default model is installed; using an untrained placeholder network "
            "(random weights). Open a model file for a real one.";
    }
    return placeholder_model(device);
}

}  // namespace ls
