#include "cli_common.h"

#include <c10/util/Exception.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "commands.h"
#include "io/npy.h"
#include "model/default_model.h"
#include "model/tensor_npy.h"
#include "runtime/runtime.h"

namespace fs = std::filesystem;

namespace ls::cli {

namespace {

// The first line of a message: errors are reported as one line.
std::string first_line(const std::string& text) {
    const auto nl = text.find('\n');
    return nl == std::string::npos ? text : text.substr(0, nl);
}

int fail(const std::string& message) {
    std::cerr << "latent-studio-cli: error: " << first_line(message) << "\n";
    return kBadInput;
}

}  // namespace

Model open_model(const std::string& path, const std::string& device_name) {
    std::string note;
    Model m = open_model_or_default(path, runtime::pick_device(device_name), &note);
    if (!note.empty()) std::cerr << "latent-studio-cli: note: " << note << "\n";
    return m;
}

at::Tensor read_npy_tensor(const std::string& path) {
    return npy_to_tensor(io::read_npy(path));
}

at::Tensor read_batch(const std::string& path, const std::vector<int64_t>& item,
                      const std::string& what) {
    at::Tensor t = read_npy_tensor(path);
    if (t.dim() == static_cast<int64_t>(item.size())) t = t.unsqueeze(0);
    const bool fits = t.dim() == static_cast<int64_t>(item.size()) + 1 && t.size(0) > 0 &&
                      t.sizes().slice(1).vec() == item;
    if (!fits) {
        throw InputError("'" + path + "' has shape " + shape_string(t.sizes()) +
                         "; this model takes " + what + " of shape [N" +
                         (item.empty() ? "" : ", ") + shape_string(item).substr(1));
    }
    return t;
}

std::string shape_string(at::IntArrayRef shape) {
    std::ostringstream s;
    s << "[";
    for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
    s << "]";
    return s.str();
}

std::vector<uint64_t> parse_seeds(const std::string& text) {
    std::vector<uint64_t> seeds;
    std::stringstream all(text);
    std::string part;
    auto number = [&](const std::string& s) {
        size_t used = 0;
        unsigned long long v = 0;
        try {
            v = std::stoull(s, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != s.size() || s[0] == '-') {
            throw InputError("'" + text + "' is not a seed list (examples: 7, 1..16, 1,5,9)");
        }
        return static_cast<uint64_t>(v);
    };
    while (std::getline(all, part, ',')) {
        const auto dots = part.find("..");
        if (dots == std::string::npos) {
            seeds.push_back(number(part));
            continue;
        }
        const uint64_t a = number(part.substr(0, dots)), b = number(part.substr(dots + 2));
        if (b < a || b - a >= 100000)
            throw InputError("seed range '" + part + "' is too large or reversed");
        for (uint64_t s = a; s <= b; ++s) seeds.push_back(s);
    }
    if (seeds.empty()) throw InputError("no seeds given");
    return seeds;
}

void check_output_path(const std::string& path) {
    const fs::path p(path);
    std::error_code ec;
    if (fs::is_directory(p, ec)) return;
    const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec)) {
        throw InputError("cannot write '" + path + "': the folder '" + parent.string() +
                         "' does not exist");
    }
    if (access(parent.c_str(), W_OK) != 0) {
        throw InputError("cannot write '" + path + "': the folder is not writable");
    }
}

namespace {
std::string g_command_line;
}

std::string invoked_command_line() {
    return g_command_line;
}

int run_cli(int argc, char** argv) {
    for (int i = 0; i < argc; ++i) {
        if (i) g_command_line += ' ';
        g_command_line += i == 0 ? std::string("latent-studio-cli") : std::string(argv[i]);
    }
    CLI::App app{
        "Latent Studio's command line: StyleGAN2 models, latent codes and images.\n"
        "Codes and images are .npy files; exit 0 on success, 2 for a usage error, "
        "3 for a bad input or model."};
    app.set_version_flag("--version", std::string(LATENT_STUDIO_VERSION));
    app.require_subcommand(1);
    int threads = 0;
    app.add_option("--threads", threads, "CPU threads (default: every core)")
        ->check(CLI::NonNegativeNumber);
    std::map<CLI::App*, Runner> runners;
    auto add = [&](const char* name, const char* help, Runner (*adder)(CLI::App&)) {
        CLI::App* sub = app.add_subcommand(name, help);
        runners[sub] = adder(*sub);
    };
    add("info", "Print a model's configuration as JSON", add_info);
    add("generate", "Generate images from z, W+ or seeds", add_generate);
    add("discriminate", "Run the discriminator on images", add_discriminate);
    add("bench", "Measure the generator's speed and print JSON", add_bench);
    add("directions", "Discover or build directions: sefa, pca, boundary, pair", add_directions);
    add("invert", "Find a photo's code (face aligned, optionally masked); live progress",
        add_invert);
    add("inpaint", "Fill a painted region of a photo with the generator", add_inpaint);
    add("paste-back", "Put an edited code back into the full photo", add_paste_back);
    add("batch", "Invert a folder of photos (resumable, --shard I/N)", add_batch);
    add("edit", "Apply directions to W+ codes", add_edit);
    add("grid", "One edit at several layer ranges and strengths, as one image", add_grid);
    add("bench-edit", "Time SeFa and incremental renders; print JSON", add_bench_edit);
    add("dataset", "Write a training data set: portraits (images and labels)", add_dataset);
    add("train", "Train networks: gan, classifier, encoder", add_train);
    add("export", "Write a model as a rosinality/stylegan2-pytorch .pt checkpoint", add_export);
    add("bench-invert", "Quality and speed of inversion and inpainting; print JSON",
        add_bench_invert);
#ifdef LATENT_STUDIO_HAVE_STORE
    add("models", "The model catalogue: list, download, import", add_models);
#endif
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kOk : kUsage;
    }
    try {
        runtime::init_threads(threads);
        for (auto& [sub, runner] : runners) {
            if (sub->parsed()) return runner();
        }
        return kUsage;
    } catch (const UsageError& e) {
        std::cerr << "latent-studio-cli: " << e.what() << " (see --help)\n";
        return kUsage;
    } catch (const InputError& e) {
        return fail(e.what());
    } catch (const io::FormatError& e) {
        return fail(e.what());
    } catch (const ModelError& e) {
        return fail(e.what());
    } catch (const c10::Error& e) {
        return fail(e.what_without_backtrace());
    } catch (const std::bad_alloc&) {
        return fail("out of memory");
    } catch (const std::exception& e) {
        return fail(e.what());
    }
}

}  // namespace ls::cli
