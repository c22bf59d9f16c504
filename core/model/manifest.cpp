#include "model/manifest.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "io/npy.h"
#include "io/value.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace ls {

namespace {

std::string manifest_file(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return (fs::path(path) / "manifest.json").string();
    return path;
}

std::string string_field(const json& j, const char* key, const std::string& fallback = {}) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// The "file" of a component object ({"file": ..., ...}) or of a plain string, made absolute.
std::optional<std::string> component_file(const json& j, const char* key, const fs::path& dir,
                                          const std::string& where) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    const std::string rel = it->is_string() ? it->get<std::string>() : string_field(*it, "file");
    if (rel.empty()) throw io::FormatError(where + ": \"" + key + "\" names no file");
    const fs::path p = fs::path(rel).is_absolute() ? fs::path(rel) : dir / rel;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
        throw io::FormatError(where + ": the " + key + " file '" + p.string() + "' is missing");
    }
    return p.lexically_normal().string();
}

}  // namespace

bool is_manifest_path(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        return fs::is_regular_file(fs::path(path) / "manifest.json", ec);
    return fs::path(path).extension() == ".json";
}

ModelManifest read_manifest(const std::string& path) {
    ModelManifest m;
    m.path = manifest_file(path);
    const std::vector<uint8_t> bytes = io::read_file_bytes(m.path, 16 << 20);
    const json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    const std::string where = "model manifest '" + m.path + "'";
    if (j.is_discarded() || !j.is_object()) throw io::FormatError(where + " is not a JSON object");
    const fs::path dir = fs::path(m.path).parent_path();
    m.name = string_field(j, "name", dir.filename().string());
    m.description = string_field(j, "description");
    auto g = component_file(j, "generator", dir, where);
    if (!g) throw io::FormatError(where + " names no generator");
    m.generator = *g;
    m.encoder = component_file(j, "encoder", dir, where);
    m.classifier = component_file(j, "classifier", dir, where);
    m.alignment = string_field(j, "alignment", "ffhq");
    if (m.alignment != "ffhq" && m.alignment != "portrait" && m.alignment != "centre") {
        throw io::FormatError(where + ": \"alignment\" is '" + m.alignment +
                              "'; use ffhq, portrait or centre");
    }
    return m;
}

}  // namespace ls
