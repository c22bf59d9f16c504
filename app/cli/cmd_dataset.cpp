// latent-studio-cli dataset portraits: the procedural portraits of core/portrait as a folder of
// PNGs and their labels (labels.csv), the training data of the default model's classifier.
#include <ATen/Parallel.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "imaging/image_file.h"
#include "io/npy.h"
#include "portrait/portrait_renderer.h"

namespace fs = std::filesystem;

namespace ls::cli {

namespace {

struct PortraitsOptions {
    int count = 0;
    int size = 64;
    int supersample = 2;
    uint64_t seed = 0;
    std::string out;
    bool overwrite = false;
};

// Image i is "000000.png"...: six digits, which --count's limit keeps enough.
std::string image_name(int i) {
    std::string digits = std::to_string(i);
    return std::string(digits.size() < 6 ? 6 - digits.size() : 0, '0') + digits + ".png";
}

// The shortest text that reads back as the same float, independent of the locale.
std::string format_value(float v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// The folder to write into: created when missing (its parent must exist); one that already
// holds a data set (a labels.csv) is refused unless `overwrite`.
void prepare_folder(const PortraitsOptions& o) {
    const fs::path dir(o.out);
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
        throw InputError("'" + o.out + "' is a file; --out takes a folder");
    }
    if (fs::exists(dir / "labels.csv", ec) && !o.overwrite) {
        throw InputError("'" + o.out +
                         "' already holds a data set (labels.csv); give --overwrite to replace it");
    }
    if (!fs::is_directory(dir, ec)) {
        check_output_path(o.out);
        fs::create_directory(dir, ec);
        if (ec) throw InputError("cannot create the folder '" + o.out + "': " + ec.message());
    }
    if (access(dir.c_str(), W_OK) != 0) {
        throw InputError("cannot write into '" + o.out + "': the folder is not writable");
    }
}

int run_portraits(const PortraitsOptions& o) {
    prepare_folder(o);
    const portrait::RenderOptions render{o.size, o.supersample};
    // The images first, labels.csv last: a run that stops half-way leaves no labels.csv, so a
    // folder with one always holds every image it names.
    at::parallel_for(0, o.count, 8, [&](int64_t begin, int64_t end) {
        RgbImage img;
        img.width = img.height = o.size;
        img.pixels.resize(static_cast<size_t>(o.size) * o.size * 3);
        for (int64_t i = begin; i < end; ++i) {
            const portrait::Attributes a =
                portrait::sample_attributes(o.seed + static_cast<uint64_t>(i));
            portrait::render_portrait(a, render, img.pixels.data());
            write_image((fs::path(o.out) / image_name(static_cast<int>(i))).string(), img);
        }
    });
    std::string csv = "file";
    for (const auto& info : portrait::attribute_table()) csv += std::string(",") + info.name;
    csv += "\n";
    for (int i = 0; i < o.count; ++i) {
        const portrait::Attributes a =
            portrait::sample_attributes(o.seed + static_cast<uint64_t>(i));
        csv += image_name(i);
        for (float v : a) csv += "," + format_value(v);
        csv += "\n";
    }
    io::write_file_atomic((fs::path(o.out) / "labels.csv").string(),
                          std::vector<uint8_t>(csv.begin(), csv.end()));
    return kOk;
}

}  // namespace

Runner add_dataset(CLI::App& app) {
    app.require_subcommand(1);
    CLI::App* portraits = app.add_subcommand(
        "portraits",
        "Procedural portraits with known attributes: DIR/000000.png... and DIR/labels.csv "
        "(file, then one column per attribute)");
    auto o = std::make_shared<PortraitsOptions>();
    portraits->add_option("--count", o->count, "Number of portraits")
        ->required()
        ->check(CLI::Range(1, 999999));
    portraits->add_option("--size", o->size, "Width and height in pixels (default 64)")
        ->check(CLI::Range(8, 4096));
    portraits->add_option("--out", o->out, "Folder to write (created if missing)")->required();
    portraits->add_option("--seed", o->seed,
                          "Seed of the first portrait; image i uses seed FIRST + i (default 0)");
    portraits
        ->add_option("--supersample", o->supersample,
                     "K x K samples per pixel, 1..8 (default 2; edges are anti-aliased anyway)")
        ->check(CLI::Range(1, 8));
    portraits->add_flag("--overwrite", o->overwrite,
                        "Write into a folder that already holds a labels.csv (replacing it and "
                        "the images it names)");
    return [o, portraits] {
        if (!portraits->parsed()) throw UsageError("dataset: name a kind (portraits)");
        return run_portraits(*o);
    };
}

}  // namespace ls::cli
