// `batch`: every photo of a folder inverted, each to NAME.npy (the code), NAME.png (the
// reconstruction) and NAME.json (alignment and figures). A photo whose NAME.npy exists is
// skipped, so an interrupted run continues where it stopped; `--shard I/N` takes every N-th
// photo from the I-th, so that a job array (Slurm, Kubernetes indexed jobs) splits a large
// collection over machines with no coordination beyond the shared folder.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "imaging/image_file.h"
#include "imaging/photo.h"
#include "io/npy.h"
#include "model/tensor_npy.h"
#include "photo_job.h"

namespace fs = std::filesystem;

namespace ls::cli {

namespace {

struct BatchCommand {
    PhotoJobOptions job;
    std::string images, masks, out, shard = "0/1";
};

struct Shard {
    size_t index = 0, count = 1;
};

Shard parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    try {
        if (slash != std::string::npos) {
            size_t used = 0;
            const long i = std::stol(text.substr(0, slash), &used);
            const long n = std::stol(text.substr(slash + 1));
            if (used == slash && n >= 1 && i >= 0 && i < n) {
                return {static_cast<size_t>(i), static_cast<size_t>(n)};
            }
        }
    } catch (const std::exception&) {
    }
    throw UsageError("--shard takes I/N with 0 <= I < N, e.g. 0/4 (got '" + text + "')");
}

// The photos of `folder`, sorted by name so that every shard sees the same order.
std::vector<fs::path> photos_in(const std::string& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw InputError("'" + folder + "' is not a folder");
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
        if (e.is_regular_file(ec) && is_photo_path(e.path().string())) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

void write_json(const fs::path& path, const nlohmann::json& j) {
    const std::string text = j.dump(2) + "\n";
    io::write_file_atomic(path.string(), std::vector<uint8_t>(text.begin(), text.end()));
}

// Inverts one photo; the code is written last, so that its presence means "done".
void invert_one(InversionModel& m, const BatchCommand& c, const fs::path& photo) {
    const std::string name = photo.stem().string();
    const fs::path out = fs::path(c.out);
    std::string mask;
    if (!c.masks.empty()) {
        const fs::path candidate = fs::path(c.masks) / (name + ".png");
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) mask = candidate.string();
    }
    const InvertedPhoto p = invert_photo(m, c.job, photo.string(), mask, name);
    write_image((out / (name + ".png")).string(), p.reconstruction);
    nlohmann::json j{{"image", photo.string()},
                     {"alignment", nlohmann::json::parse(alignment_to_json(p.crop.alignment))},
                     {"mask", mask},
                     {"preset", c.job.preset},
                     {"steps", p.result.steps_run},
                     {"loss", p.result.loss},
                     {"psnr_db", p.psnr_db},
                     {"seconds", p.result.seconds}};
    if (!p.crop.note.empty()) j["note"] = p.crop.note;
    write_json(out / (name + ".json"), j);
    io::write_npy((out / (name + ".npy")).string(), tensor_to_npy(p.result.wplus));
}

int run_batch(const BatchCommand& c) {
    const Shard shard = parse_shard(c.shard);
    const std::vector<fs::path> all = photos_in(c.images);
    std::error_code ec;
    fs::create_directories(c.out, ec);
    if (ec) throw InputError("cannot create the folder '" + c.out + "': " + ec.message());
    std::vector<fs::path> mine, todo;
    for (size_t i = shard.index; i < all.size(); i += shard.count) mine.push_back(all[i]);
    for (const fs::path& p : mine) {
        if (!fs::exists(fs::path(c.out) / (p.stem().string() + ".npy"), ec)) todo.push_back(p);
    }
    std::cerr << "batch: shard " << shard.index << "/" << shard.count << ": " << mine.size()
              << " of " << all.size() << " photos, " << mine.size() - todo.size()
              << " already done\n";
    if (todo.empty()) return kOk;
    InversionModel m = open_inversion_model(c.job);
    int failed = 0;
    for (size_t i = 0; i < todo.size(); ++i) {
        try {
            invert_one(m, c, todo[i]);
            std::cerr << "batch: " << i + 1 << "/" << todo.size() << " "
                      << todo[i].filename().string() << "\n";
        } catch (const std::exception& e) {
            // One bad photo must not stop a long run: report it and go on.
            ++failed;
            std::cerr << "batch: " << todo[i].string() << ": " << e.what() << "\n";
        }
    }
    if (failed > 0) {
        throw InputError(std::to_string(failed) + " of " + std::to_string(todo.size()) +
                         " photos failed (see above); the others are done");
    }
    return kOk;
}

}  // namespace

Runner add_batch(CLI::App& app) {
    auto c = std::make_shared<BatchCommand>();
    add_photo_job_options(app, c->job);
    app.add_option("--images", c->images, "a folder of photos")->required();
    app.add_option("--masks", c->masks, "a folder of masks named like the photos (NAME.png)");
    app.add_option("--out", c->out, "the output folder (created)")->required();
    app.add_option("--shard", c->shard, "I/N: this job's share of the photos")
        ->capture_default_str();
    return [c] { return run_batch(*c); };
}

}  // namespace ls::cli
