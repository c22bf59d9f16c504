#include "store/catalog.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "io/npy.h"
#include "io/value.h"
#include "model/build_paths.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace ls::store {

namespace {

std::string text(const json& j, const char* key, const std::string& fallback = {}) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// A required string field of a catalogue entry.
std::string required(const json& j, const char* key, const std::string& where) {
    const std::string v = text(j, key);
    if (v.empty()) throw io::FormatError(where + " has no \"" + key + "\"");
    return v;
}

bool is_hex_digest(const std::string& s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

CatalogEntry parse_entry(const json& j, const std::string& where) {
    if (!j.is_object()) throw io::FormatError(where + " is not a JSON object");
    CatalogEntry e;
    e.name = required(j, "name", where);
    const std::string at = where + " (\"" + e.name + "\")";
    if (!valid_model_name(e.name)) throw io::FormatError(at + ": the name is not a folder name");
    e.url = required(j, "url", at);
    e.file = required(j, "file", at);
    if (!valid_model_name(e.file)) throw io::FormatError(at + ": \"file\" is not a file name");
    e.format = required(j, "format", at);
    e.title = text(j, "title", e.name);
    e.description = text(j, "description");
    e.alignment = text(j, "alignment", "ffhq");
    if (e.alignment != "ffhq" && e.alignment != "portrait" && e.alignment != "centre")
        throw io::FormatError(at + ": \"alignment\" must be ffhq, portrait or centre");
    e.licence = text(j, "licence");
    e.licence_url = text(j, "licence_url");
    e.source = text(j, "source");
    if (auto it = j.find("resolution"); it != j.end() && it->is_number_integer())
        e.resolution = it->get<int>();
    if (auto it = j.find("size"); it != j.end() && it->is_number_unsigned())
        e.size = it->get<uint64_t>();
    if (auto it = j.find("sha256"); it != j.end() && it->is_string()) {
        e.sha256 = it->get<std::string>();
        if (!is_hex_digest(*e.sha256))
            throw io::FormatError(at + ": \"sha256\" is not 64 lower-case hex digits");
    }
    if (auto it = j.find("loadable"); it != j.end() && it->is_boolean())
        e.loadable = it->get<bool>();
    return e;
}

fs::path executable_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

InstalledModel read_installed(const fs::path& folder) {
    const std::vector<uint8_t> bytes =
        io::read_file_bytes((folder / "manifest.json").string(), 1 << 20);
    const json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (!j.is_object()) throw io::FormatError("not a JSON object");
    InstalledModel m;
    m.name = folder.filename().string();
    m.folder = folder.string();
    m.title = text(j, "name", m.name);
    m.alignment = text(j, "alignment", "ffhq");
    m.licence = text(j, "licence");
    const json g = j.value("generator", json::object());
    m.file = g.is_string() ? g.get<std::string>() : text(g, "file");
    m.format = g.is_object() ? text(g, "format") : "";
    m.source_url = g.is_object() ? text(g, "source_url") : "";
    std::error_code ec;
    m.link = !m.file.empty() && fs::is_symlink(folder / m.file, ec);
    return m;
}

}  // namespace

bool valid_model_name(const std::string& name) {
    if (name.empty() || name.size() > 128 || name[0] == '.') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

std::vector<CatalogEntry> read_catalog(const std::string& path) {
    const std::vector<uint8_t> bytes = io::read_file_bytes(path, 16 << 20);
    const json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    const std::string where = "model catalogue '" + path + "'";
    if (j.is_discarded() || !j.is_object() || !j.contains("models") || !j["models"].is_array())
        throw io::FormatError(where + " is not a JSON object with a \"models\" list");
    std::vector<CatalogEntry> out;
    for (size_t i = 0; i < j["models"].size(); ++i) {
        out.push_back(parse_entry(j["models"][i], where + ", entry " + std::to_string(i + 1)));
        for (size_t k = 0; k + 1 < out.size(); ++k) {
            if (out[k].name == out.back().name)
                throw io::FormatError(where + " names \"" + out[k].name + "\" twice");
        }
    }
    return out;
}

const CatalogEntry& find_entry(const std::vector<CatalogEntry>& catalog, const std::string& name) {
    std::string names;
    for (const auto& e : catalog) {
        if (e.name == name) return e;
        names += (names.empty() ? "" : ", ") + e.name;
    }
    throw io::FormatError("no model \"" + name + "\" in the catalogue (it has: " + names + ")");
}

std::vector<std::string> shared_models_dirs() {
    return {(executable_dir() / ".." / "share" / "latent-studio" / "models").lexically_normal(),
            fs::path(LATENT_STUDIO_SOURCE_MODELS_DIR)};
}

std::string default_catalog_path() {
    for (const auto& dir : shared_models_dirs()) {
        const fs::path p = fs::path(dir) / "catalog.json";
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return p.string();
    }
    return {};
}

std::string user_models_dir() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    // The XDG specification says a relative XDG_DATA_HOME is invalid and must be ignored.
    if (xdg && *xdg && fs::path(xdg).is_absolute())
        return (fs::path(xdg) / "latent-studio" / "models").string();
    const char* home = std::getenv("HOME");
    const fs::path base = home && *home ? fs::path(home) : fs::current_path();
    return (base / ".local" / "share" / "latent-studio" / "models").string();
}

std::vector<InstalledModel> list_installed(const std::string& models_dir) {
    std::vector<InstalledModel> out;
    std::error_code ec;
    for (const auto& item : fs::directory_iterator(models_dir, ec)) {
        const std::string name = item.path().filename().string();
        if (!valid_model_name(name) || !fs::is_regular_file(item.path() / "manifest.json", ec))
            continue;
        try {
            out.push_back(read_installed(item.path()));
        } catch (const std::exception&) {
            // A folder someone broke by hand is not listed; loading it gives the reason.
        }
    }
    std::sort(out.begin(), out.end(),
              [](const InstalledModel& a, const InstalledModel& b) { return a.name < b.name; });
    return out;
}

}  // namespace ls::store
