#include "edit/direction_library.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "edit/direction_select.h"
#include "io/value.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace ls::edit {

namespace {

constexpr const char* kFormat = "latent-studio-direction-library";

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string in_quotes(const std::string& path) {
    return "'" + path + "'";
}

uint64_t fnv1a(const std::string& text) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

json entry_json(const LibraryEntry& e) {
    json j = {{"name", e.name},
              {"file", e.file},
              {"layers", {e.first_layer, e.last_layer}},
              {"scale", e.scale},
              {"description", e.description}};
    if (!e.low_end.empty() || !e.high_end.empty()) j["ends"] = {e.low_end, e.high_end};
    return j;
}

// The fields of one entry of library.json or a manifest (the values come from its .npy).
LibraryEntry entry_fields(const json& j, int num_ws, const std::string& what) {
    if (!j.is_object()) throw io::FormatError(what + " is not an object");
    LibraryEntry e;
    if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty())
        throw io::FormatError(what + " has no name");
    e.name = j["name"].get<std::string>();
    if (!j.contains("file") || !j["file"].is_string())
        throw io::FormatError(what + " (" + e.name + ") names no file");
    e.file = j["file"].get<std::string>();
    e.first_layer = 0;
    e.last_layer = num_ws - 1;
    if (j.contains("layers")) {
        const json& l = j["layers"];
        if (!l.is_array() || l.size() != 2 || !l[0].is_number_integer() ||
            !l[1].is_number_integer())
            throw io::FormatError(what + " (" + e.name + "): \"layers\" must be [first, last]");
        e.first_layer = l[0].get<int>();
        e.last_layer = l[1].get<int>();
    }
    if (e.first_layer < 0 || e.last_layer >= num_ws || e.first_layer > e.last_layer) {
        throw io::FormatError(what + " (" + e.name + "): layers " + std::to_string(e.first_layer) +
                              "-" + std::to_string(e.last_layer) + " are outside this model's 0-" +
                              std::to_string(num_ws - 1));
    }
    if (j.contains("scale")) {
        if (!j["scale"].is_number() || !(j["scale"].get<double>() > 0))
            throw io::FormatError(what + " (" + e.name + "): \"scale\" must be a positive number");
        e.scale = j["scale"].get<double>();
    }
    if (j.contains("description") && j["description"].is_string())
        e.description = j["description"].get<std::string>();
    if (j.contains("ends")) {
        const json& ends = j["ends"];
        if (!ends.is_array() || ends.size() != 2 || !ends[0].is_string() || !ends[1].is_string())
            throw io::FormatError(what + " (" + e.name +
                                  "): \"ends\" must be [negative end, positive end]");
        e.low_end = ends[0].get<std::string>();
        e.high_end = ends[1].get<std::string>();
    }
    if (j.contains("verified") && j["verified"].is_boolean())
        e.verified = j["verified"].get<bool>();
    return e;
}

json read_json(const std::string& path) {
    const std::vector<uint8_t> bytes = io::read_file_bytes(path, 64u << 20);
    try {
        return json::parse(bytes.begin(), bytes.end());
    } catch (const json::exception& e) {
        throw io::FormatError("cannot read " + in_quotes(path) + ": not valid JSON (" + e.what() +
                              ")");
    }
}

// Loads an entry's values from its .npy (relative to `base`). The library's own files hold
// unit vectors already and are kept bit for bit (`exact`); others are made unit length.
void load_values(LibraryEntry* e, const fs::path& base, int num_ws, int w_dim, bool exact) {
    const std::string path = (base / e->file).string();
    io::NpyArray a = io::read_npy(path);
    const LibraryEntry d = direction_from_array(a, num_ws, w_dim, in_quotes(path));
    e->shape = d.shape;
    e->values = exact ? std::move(a.data) : d.values;
}

}  // namespace

LibraryEntry direction_from_array(const io::NpyArray& a, int num_ws, int w_dim,
                                  const std::string& what) {
    const auto& s = a.shape;
    LibraryEntry e;
    e.first_layer = 0;
    e.last_layer = num_ws - 1;
    const bool vector =
        (s.size() == 1 && s[0] == w_dim) || (s.size() == 2 && s[0] == 1 && s[1] == w_dim);
    const bool per_layer = s.size() == 2 && s[0] == num_ws && s[1] == w_dim && num_ws != 1;
    if (!vector && !per_layer) {
        throw DirectionError(what + " has shape " + shape_text(s) +
                             "; a direction for this model is [" + std::to_string(w_dim) +
                             "], [1, " + std::to_string(w_dim) + "] or per layer [" +
                             std::to_string(num_ws) + ", " + std::to_string(w_dim) + "]");
    }
    try {
        // A single vector is kept as its unit direction, a per-layer one as stored.
        io::NpyArray d = select_direction(vector ? io::NpyArray{{w_dim}, a.data} : a, std::nullopt,
                                          num_ws, w_dim, what);
        e.shape = d.shape;
        e.values = std::move(d.data);
    } catch (const std::invalid_argument& error) {
        throw DirectionError(error.what());
    }
    return e;
}

std::string library_folder(const std::string& root, const std::string& model_path) {
    std::error_code ec;
    fs::path absolute = fs::absolute(model_path, ec);
    if (ec) absolute = model_path;
    const uintmax_t size = fs::is_regular_file(absolute, ec) ? fs::file_size(absolute, ec) : 0;
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx",
                  static_cast<unsigned long long>(
                      fnv1a(absolute.lexically_normal().string() + "\n" + std::to_string(size))));
    std::string stem;
    for (char c : fs::path(model_path).stem().string()) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        stem += plain ? c : '_';
    }
    if (stem.empty() || stem[0] == '.') stem = "model" + stem;
    return (fs::path(root) / (stem.substr(0, 64) + "-" + hash)).string();
}

std::vector<LibraryEntry> read_manifest_directions(const std::string& manifest_path, int num_ws,
                                                   int w_dim) {
    const json root = read_json(manifest_path);
    std::vector<LibraryEntry> out;
    if (!root.is_object() || !root.contains("directions")) return out;
    const json& list = root["directions"];
    const std::string what = in_quotes(manifest_path);
    if (!list.is_array()) throw io::FormatError(what + ": \"directions\" is not a list");
    const fs::path base = fs::path(manifest_path).parent_path();
    for (size_t i = 0; i < list.size(); ++i) {
        LibraryEntry e = entry_fields(list[i], num_ws, what + " direction " + std::to_string(i));
        try {
            load_values(&e, base, num_ws, w_dim, false);
        } catch (const std::exception& err) {
            throw io::FormatError(what + " direction " + e.name + ": " + err.what());
        }
        e.read_only = true;
        out.push_back(std::move(e));
    }
    return out;
}

DirectionLibrary::DirectionLibrary(std::string folder, int num_ws, int w_dim)
    : folder_(std::move(folder)), num_ws_(num_ws), w_dim_(w_dim) {
    std::error_code ec;
    if (!fs::exists(json_path(), ec)) return;
    const json root = read_json(json_path());
    const std::string what = in_quotes(json_path());
    if (!root.is_object() || root.value("format", "") != kFormat)
        throw io::FormatError(what + " is not a Latent Studio direction library");
    if (root.value("num_ws", -1) != num_ws || root.value("w_dim", -1) != w_dim) {
        throw io::FormatError(what + " was made for a model with " +
                              std::to_string(root.value("num_ws", -1)) + " layers of " +
                              std::to_string(root.value("w_dim", -1)) + ", not " +
                              std::to_string(num_ws) + " of " + std::to_string(w_dim));
    }
    if (!root.contains("directions") || !root["directions"].is_array())
        throw io::FormatError(what + " has no \"directions\" list");
    const json& list = root["directions"];
    for (size_t i = 0; i < list.size(); ++i) {
        try {
            LibraryEntry e =
                entry_fields(list[i], num_ws, what + " direction " + std::to_string(i));
            load_values(&e, folder_, num_ws, w_dim, true);
            entries_.push_back(std::move(e));
        } catch (const std::exception& err) {
            problems_.push_back(err.what());
        }
    }
}

std::string DirectionLibrary::json_path() const {
    return (fs::path(folder_) / "library.json").string();
}

void DirectionLibrary::check(const LibraryEntry& e) const {
    if (e.name.empty()) throw DirectionError("a direction needs a name");
    const bool vector = e.shape == std::vector<int64_t>{w_dim_};
    const bool per_layer = e.shape == std::vector<int64_t>{num_ws_, w_dim_};
    int64_t count = 1;
    for (int64_t n : e.shape) count *= n;
    if ((!vector && !per_layer) || count != static_cast<int64_t>(e.values.size()))
        throw DirectionError("the direction " + in_quotes(e.name) + " has shape " +
                             shape_text(e.shape) + "; this model's directions are [" +
                             std::to_string(w_dim_) + "] or [" + std::to_string(num_ws_) + ", " +
                             std::to_string(w_dim_) + "]");
    if (e.first_layer < 0 || e.last_layer >= num_ws_ || e.first_layer > e.last_layer)
        throw DirectionError("layers " + std::to_string(e.first_layer) + "-" +
                             std::to_string(e.last_layer) + " are outside this model's 0-" +
                             std::to_string(num_ws_ - 1));
    if (!(e.scale > 0) || !std::isfinite(e.scale))
        throw DirectionError("a slider scale must be a positive number");
}

void DirectionLibrary::write_json(const std::vector<LibraryEntry>& entries) const {
    json list = json::array();
    for (const auto& e : entries) list.push_back(entry_json(e));
    const json root = {{"format", kFormat},
                       {"version", 1},
                       {"num_ws", num_ws_},
                       {"w_dim", w_dim_},
                       {"directions", list}};
    const std::string text = root.dump(2) + "\n";
    io::write_file_atomic(json_path(), std::vector<uint8_t>(text.begin(), text.end()));
}

std::string DirectionLibrary::unused_file_name() const {
    for (int n = static_cast<int>(entries_.size()) + 1;; ++n) {
        const std::string name = "direction-" + std::to_string(n) + ".npy";
        bool used = false;
        for (const auto& e : entries_) used = used || e.file == name;
        std::error_code ec;
        if (!used && !fs::exists(fs::path(folder_) / name, ec)) return name;
    }
}

size_t DirectionLibrary::add(LibraryEntry entry) {
    check(entry);
    entry.read_only = false;
    if (entry.shape.size() == 1) {  // a single vector is kept as its unit direction
        entry.values = direction_from_array({entry.shape, entry.values}, num_ws_, w_dim_,
                                            in_quotes(entry.name))
                           .values;
    }
    std::error_code ec;
    fs::create_directories(folder_, ec);
    if (ec)
        throw io::FormatError("cannot make the folder " + in_quotes(folder_) + ": " + ec.message());
    entry.file = unused_file_name();
    const std::string npy = (fs::path(folder_) / entry.file).string();
    io::write_npy(npy, {entry.shape, entry.values});
    std::vector<LibraryEntry> next = entries_;
    next.push_back(entry);
    try {
        write_json(next);
    } catch (...) {
        fs::remove(npy, ec);  // nothing refers to it
        throw;
    }
    entries_ = std::move(next);
    return entries_.size() - 1;
}

void DirectionLibrary::rename(size_t index, const std::string& name) {
    if (name.empty()) throw DirectionError("a direction needs a name");
    std::vector<LibraryEntry> next = entries_;
    next.at(index).name = name;
    write_json(next);
    entries_ = std::move(next);
}

void DirectionLibrary::set_layers(size_t index, int first, int last) {
    std::vector<LibraryEntry> next = entries_;
    next.at(index).first_layer = first;
    next.at(index).last_layer = last;
    check(next[index]);
    write_json(next);
    entries_ = std::move(next);
}

void DirectionLibrary::set_scale(size_t index, double scale) {
    std::vector<LibraryEntry> next = entries_;
    next.at(index).scale = scale;
    check(next[index]);
    write_json(next);
    entries_ = std::move(next);
}

void DirectionLibrary::remove(size_t index) {
    std::vector<LibraryEntry> next = entries_;
    const std::string file = next.at(index).file;
    next.erase(next.begin() + static_cast<std::ptrdiff_t>(index));
    write_json(next);
    entries_ = std::move(next);
    std::error_code ec;
    fs::remove(fs::path(folder_) / file, ec);  // a leftover file is harmless
}

size_t DirectionLibrary::import_npy(const std::string& path, const std::string& name) {
    LibraryEntry e = direction_from_array(io::read_npy(path), num_ws_, w_dim_, in_quotes(path));
    e.name = name;
    return add(std::move(e));
}

void DirectionLibrary::export_npy(size_t index, const std::string& path) const {
    const LibraryEntry& e = entries_.at(index);
    io::write_npy(path, {e.shape, e.values});
}

}  // namespace ls::edit
