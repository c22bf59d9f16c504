// A model folder's manifest.json: which files make the model (generator, encoder, classifier),
// its named directions, and how each file was made. The embedded default model is such a
// folder (models/default/); docs/model-format.md describes the fields.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ls {

struct ManifestDirection {
    std::string name;
    std::string file;  // absolute path of a .npy [w_dim] or [1, w_dim] (or [num_ws, w_dim])
    int first_layer = 0, last_layer = -1;  // inclusive W+ layers; -1: the last layer
    double scale = 3.0;                    // the slider's range, in units of the unit direction
    std::string description;
    bool verified = false;  // its effect was measured to be on its attribute alone
};

struct ModelManifest {
    std::string path;  // of manifest.json
    std::string name, description;
    std::string generator;  // absolute paths
    std::optional<std::string> encoder, classifier;
    std::vector<ManifestDirection> directions;
};

// True for a folder holding manifest.json or a path ending in .json.
bool is_manifest_path(const std::string& path);
// Reads and checks the manifest (the files it names exist); relative file names are taken
// from the manifest's folder. Throws io::FormatError with a message a user can act on.
ModelManifest read_manifest(const std::string& path);

}  // namespace ls
