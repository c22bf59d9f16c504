// `models list|download|import`: the catalogue of public models and the user's model folder
// (core/store). Downloads are verified and trial-loaded before they are installed.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>
#include "cli_common.h"
#include "commands.h"
#include "model/model.h"
#include "store/catalog.h"
#include "store/install.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace ls::cli {

namespace {

std::atomic<bool> g_cancel{false};
extern "C" void on_cancel_signal(int) {
    g_cancel = true;
}

struct ModelsCommand {
    std::string catalog, dir, name, file, alignment = "ffhq";
    bool json = false, link = false;
};

std::string models_dir(const ModelsCommand& c) {
    return c.dir.empty() ? store::user_models_dir() : c.dir;
}

std::vector<store::CatalogEntry> load_catalog(const ModelsCommand& c, std::string* path) {
    *path = c.catalog.empty() ? store::default_catalog_path() : c.catalog;
    if (path->empty())
        throw InputError(
            "no model catalogue is installed (models/catalog.json); name one with --catalog");
    return store::read_catalog(*path);
}

// The engine's loader is the trial load: a file is installed only if it loads as a model.
void trial_load(const std::string& path) {
    load_model(path, at::kCPU);
}

json entry_json(const store::CatalogEntry& e, const std::string& dir) {
    std::error_code ec;
    const auto part = store::partial_path(e, dir);
    const auto partial = fs::exists(part, ec) ? fs::file_size(part, ec) : 0;
    return {{"name", e.name},
            {"title", e.title},
            {"url", e.url},
            {"format", e.format},
            {"resolution", e.resolution},
            {"size", e.size ? json(*e.size) : json(nullptr)},
            {"sha256", e.sha256 ? json(*e.sha256) : json(nullptr)},
            {"alignment", e.alignment},
            {"licence", e.licence},
            {"loadable", e.loadable},
            {"installed", fs::is_regular_file(fs::path(dir) / e.name / "manifest.json", ec)},
            {"partial_bytes", ec ? 0 : partial}};
}

json installed_json(const store::InstalledModel& m) {
    return {{"name", m.name},       {"title", m.title},           {"folder", m.folder},
            {"file", m.file},       {"format", m.format},         {"alignment", m.alignment},
            {"licence", m.licence}, {"source_url", m.source_url}, {"link", m.link}};
}

void print_text(const json& j) {
    std::cout << "Catalogue (" << j["catalog"].get<std::string>() << "):\n";
    for (const auto& e : j["available"]) {
        const std::string state = e["installed"]                           ? "installed"
                                  : !e["loadable"]                         ? "convert first"
                                  : e["partial_bytes"].get<uint64_t>() > 0 ? "partial"
                                                                           : "";
        std::printf("  %-26s %5d px  %-14s %s\n", e["name"].get<std::string>().c_str(),
                    e["resolution"].get<int>(), state.c_str(),
                    e["title"].get<std::string>().c_str());
    }
    std::cout << "Installed in " << j["models_dir"].get<std::string>() << ":\n";
    if (j["installed"].empty()) std::cout << "  (none)\n";
    for (const auto& m : j["installed"]) {
        std::printf("  %-26s %s%s\n", m["name"].get<std::string>().c_str(),
                    m["title"].get<std::string>().c_str(), m["link"] ? " (linked)" : "");
    }
}

int run_list(const ModelsCommand& c) {
    std::string path;
    const auto catalog = load_catalog(c, &path);
    const std::string dir = models_dir(c);
    json j = {{"catalog", path},
              {"models_dir", dir},
              {"available", json::array()},
              {"installed", json::array()}};
    for (const auto& e : catalog) j["available"].push_back(entry_json(e, dir));
    for (const auto& m : store::list_installed(dir)) j["installed"].push_back(installed_json(m));
    if (c.json)
        std::cout << j.dump(2) << "\n";
    else
        print_text(j);
    return kOk;
}

// A progress line on stderr: redrawn in place on a terminal, every 10 % otherwise.
class ProgressLine {
  public:
    explicit ProgressLine(std::string name) : name_(std::move(name)), tty_(isatty(2)) {}
    bool operator()(const store::Progress& p) {
        const auto now = std::chrono::steady_clock::now();
        const int tenth = p.total ? static_cast<int>(10 * p.received / p.total) : -1;
        const bool due = tty_ ? now - last_ >= std::chrono::milliseconds(250) : tenth != tenth_;
        if (due && p.received > 0) {
            last_ = now;
            tenth_ = tenth;
            std::fprintf(stderr, "%sdownloading %s: %.1f", tty_ ? "\r" : "", name_.c_str(),
                         p.received / 1e6);
            if (p.total)
                std::fprintf(stderr, " / %.1f MB (%d %%)", p.total / 1e6,
                             static_cast<int>(100 * p.received / p.total));
            else
                std::fprintf(stderr, " MB");
            std::fprintf(stderr, "%s%s", p.resumed ? ", resumed" : "", tty_ ? "   " : "\n");
            drawn_ = true;
        }
        return !g_cancel;
    }
    void finish() {
        if (drawn_ && tty_) std::fprintf(stderr, "\n");
    }

  private:
    std::string name_;
    bool tty_;
    bool drawn_ = false;
    int tenth_ = -2;
    std::chrono::steady_clock::time_point last_{};
};

int report_installed(const store::InstallResult& r, const char* verb) {
    std::cerr << verb << " " << r.folder << (r.resumed ? " (resumed)" : "") << "\n";
    std::cout << json{{"folder", r.folder}, {"manifest", r.manifest}, {"file", r.file},
                      {"sha256", r.sha256}, {"bytes", r.bytes},       {"resumed", r.resumed}}
                     .dump(2)
              << "\n";
    return kOk;
}

int run_download(const ModelsCommand& c) {
    std::string path;
    const auto catalog = load_catalog(c, &path);
    const store::CatalogEntry& entry = store::find_entry(catalog, c.name);
    store::DownloadOptions o;
    o.models_dir = models_dir(c);
    o.trial_load = trial_load;
    auto line = std::make_shared<ProgressLine>(entry.name);
    o.progress = [line](const store::Progress& p) { return (*line)(p); };
    // Ctrl+C stops the transfer between two blocks; the .part stays for a resume.
    std::signal(SIGINT, on_cancel_signal);
    std::signal(SIGTERM, on_cancel_signal);
    try {
        const auto r = store::download_model(entry, o);
        line->finish();
        return report_installed(r, "installed");
    } catch (const store::DownloadError& e) {
        line->finish();
        throw InputError(e.what());
    }
}

int run_import(const ModelsCommand& c) {
    store::ImportOptions o;
    o.models_dir = models_dir(c);
    o.name = c.name;
    o.alignment = c.alignment;
    o.link = c.link;
    o.trial_load = trial_load;
    try {
        return report_installed(store::import_model(c.file, o), "imported into");
    } catch (const store::DownloadError& e) {
        throw InputError(e.what());
    }
}

}  // namespace

Runner add_models(CLI::App& app) {
    app.require_subcommand(1);
    auto c = std::make_shared<ModelsCommand>();
    auto common = [c](CLI::App* sub) {
        sub->add_option("--dir", c->dir,
                        "Model folder (default: " + store::user_models_dir() + ")");
    };
    CLI::App* list = app.add_subcommand("list", "The catalogue and the installed models");
    list->add_option("--catalog", c->catalog, "Catalogue file (default: the installed one)");
    list->add_flag("--json", c->json, "Print JSON");
    common(list);
    CLI::App* download = app.add_subcommand("download", "Download, verify and install a model");
    download->add_option("name", c->name, "Name in the catalogue (see models list)")->required();
    download->add_option("--catalog", c->catalog, "Catalogue file (default: the installed one)");
    common(download);
    CLI::App* import = app.add_subcommand("import", "Install a local .pt/.pkl/.safetensors");
    import->add_option("file", c->file, "The model file")->required();
    import->add_option("--name", c->name, "Folder name (default: the file's name)");
    import->add_option("--alignment", c->alignment, "How photos are framed: ffhq, portrait, centre")
        ->check(CLI::IsMember({"ffhq", "portrait", "centre"}))
        ->capture_default_str();
    import->add_flag("--link", c->link, "Link to the file instead of copying it");
    common(import);
    return [c, list, download, import] {
        if (list->parsed()) return run_list(*c);
        if (download->parsed()) return run_download(*c);
        if (import->parsed()) return run_import(*c);
        return static_cast<int>(kUsage);
    };
}

}  // namespace ls::cli
