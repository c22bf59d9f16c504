// A model folder's manifest.json: which files make the model (generator, encoder, classifier)
// and how each was made. Its named directions are read by edit::read_manifest_directions
// (core/edit/direction_library.h), with the model's shape to check them against. The embedded
// default model is such a folder (models/default/); docs/model-format.md describes the fields.
#pragma once

#include <optional>
#include <string>

namespace ls {

struct ModelManifest {
    std::string path;  // of manifest.json
    std::string name, description;
    std::string generator;  // absolute paths
    std::optional<std::string> encoder, classifier;
    // How the training images were framed, so that a photo is cropped the same way:
    // "ffhq" (NVIDIA's FFHQ alignment), "portrait" (the embedded model's renderer) or
    // "centre" (no face: a centred square). Models without a manifest are taken as "ffhq".
    std::string alignment = "ffhq";
};

// True for a folder holding manifest.json or a path ending in .json.
bool is_manifest_path(const std::string& path);
// Reads and checks the manifest (the files it names exist); relative file names are taken
// from the manifest's folder. Throws io::FormatError with a message a user can act on.
ModelManifest read_manifest(const std::string& path);

}  // namespace ls
