// The catalogue of public pretrained models (models/catalog.json) and the user's model folder.
// No LibTorch and no Qt: the editor, the command line and the tests share it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ls::store {

struct CatalogEntry {
    std::string name;  // short id: "ffhq", "afhqcat"; also the installed folder's name
    std::string title, description;
    std::string url, file;  // where it is published, and its file name once installed
    std::string format;     // "stylegan2-ada-pkl", "rosinality-pt", "stylegan2-tf-pkl"
    int resolution = 0;
    std::optional<uint64_t> size;       // bytes, when the publisher gives it
    std::optional<std::string> sha256;  // lower-case hex, when the publisher gives it
    std::string alignment = "ffhq";     // how photos are framed for it (ModelManifest)
    std::string licence, licence_url, source;
    bool loadable = true;  // false: a format the engine cannot read (convert, then import)
};

// Reads and checks a catalogue; throws io::FormatError naming the file and the entry.
std::vector<CatalogEntry> read_catalog(const std::string& path);
// The entry called `name`, or an io::FormatError that lists the names there are.
const CatalogEntry& find_entry(const std::vector<CatalogEntry>& catalog, const std::string& name);

// Where shipped models live: <exe>/../share/latent-studio/models, then the source tree's models/.
std::vector<std::string> shared_models_dirs();
// The first catalog.json in shared_models_dirs(), or "" when none is installed.
std::string default_catalog_path();
// $XDG_DATA_HOME/latent-studio/models, else ~/.local/share/latent-studio/models (not created).
std::string user_models_dir();

// A model folder under the user's model folder (one with a manifest.json).
struct InstalledModel {
    std::string name;  // the folder's name
    std::string title, folder, file, alignment, format, source_url, licence;
    bool link = false;  // the model file is a symbolic link to the user's own file
};
// The model folders in `models_dir`, sorted by name; unreadable manifests are skipped.
std::vector<InstalledModel> list_installed(const std::string& models_dir);

// True for a name usable as a folder: letters, digits, '.', '_', '-', not starting with '.'.
bool valid_model_name(const std::string& name);

}  // namespace ls::store
