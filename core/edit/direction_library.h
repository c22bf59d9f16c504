// The direction library of a model: named directions with their layer range and slider
// scale, kept in a folder per model (library.json and one .npy per direction, every file
// written atomically), and the read-only directions a model's manifest ships. No LibTorch and
// no Qt: the editor uses it, and the command line can.
//
// library.json:
//   {"format": "latent-studio-direction-library", "version": 1, "num_ws": 14, "w_dim": 512,
//    "model": "/path/of/the/model.pt",
//    "directions": [{"name": "smile", "file": "direction-1.npy", "layers": [4, 7],
//                    "scale": 3.0, "description": "..."}]}
// A manifest's "directions" array has the same entries, with "file" relative to the manifest.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/npy.h"

namespace ls::edit {

// One named direction. `values` holds [w_dim] (a unit vector: the same step on every layer
// of the range) or [num_ws, w_dim] (per-layer steps, kept as stored).
struct LibraryEntry {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<float> values;
    int first_layer = 0, last_layer = 0;  // W+ layers, both included
    double scale = 10.0;  // the slider runs from -scale to +scale, in units of the direction
    std::string description;
    // What the slider's two ends do ("younger", "older"), where the manifest says ("ends").
    std::string low_end, high_end;
    std::string file;        // the .npy, relative to the library's folder or the manifest
    bool read_only = false;  // shipped with the model (its manifest)
    // A manifest's claim, checked by its model's tests, that the direction changes its
    // attribute alone (docs/model-format.md).
    bool verified = false;
};

// A direction whose shape does not fit the model, or whose values cannot be used.
class DirectionError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

// Checks an array read from a .npy file against a model with num_ws layers of w_dim:
// [w_dim] and [1, w_dim] become a unit [w_dim] vector (an InterFaceGAN boundary's normal);
// [num_ws, w_dim] is kept as it is. Any other shape, a zero or non-finite direction throws
// DirectionError with a message naming `what`. The entry spans all layers, scale 10.
LibraryEntry direction_from_array(const io::NpyArray& array, int num_ws, int w_dim,
                                  const std::string& what);

// The folder of a model's library under `root`: "<model file stem>-<16 hex digits>", the
// digits a hash of the model file's absolute path and size (so a replaced file of another
// size gets a library of its own).
std::string library_folder(const std::string& root, const std::string& model_path);

// The directions a manifest.json lists (read-only entries). A manifest without "directions"
// gives none; a bad entry throws io::FormatError naming the manifest and the entry.
std::vector<LibraryEntry> read_manifest_directions(const std::string& manifest_path, int num_ws,
                                                   int w_dim);

class DirectionLibrary {
  public:
    // Opens the library in `folder` (missing: an empty library; the folder is made on the
    // first write). A library.json that cannot be read, or was made for another shape of
    // model, throws io::FormatError. Entries whose .npy is missing or damaged are left out
    // and named in problems().
    DirectionLibrary(std::string folder, int num_ws, int w_dim);

    const std::vector<LibraryEntry>& entries() const { return entries_; }
    const std::vector<std::string>& problems() const { return problems_; }
    const std::string& folder() const { return folder_; }
    std::string json_path() const;

    // Every change writes the .npy (when there is a new one) and then library.json, each
    // through a temporary file renamed over the target. When a write fails the exception
    // propagates, the entries in memory stay as they were and library.json is unchanged.
    size_t add(LibraryEntry entry);  // checks the entry; gives it a file name; returns its index
    void rename(size_t index, const std::string& name);
    void set_layers(size_t index, int first, int last);
    void set_scale(size_t index, double scale);
    void remove(size_t index);  // then deletes its .npy

    // Reads a .npy (as NumPy writes it), checks its shape as direction_from_array does and
    // adds it under `name`. A wrong shape throws DirectionError and changes nothing.
    size_t import_npy(const std::string& path, const std::string& name);
    // Writes entry `index` as NumPy-readable float32: [w_dim] or [num_ws, w_dim].
    void export_npy(size_t index, const std::string& path) const;

  private:
    void check(const LibraryEntry& e) const;
    void write_json(const std::vector<LibraryEntry>& entries) const;
    std::string unused_file_name() const;

    std::string folder_;
    int num_ws_, w_dim_;
    std::vector<LibraryEntry> entries_;
    std::vector<std::string> problems_;
};

}  // namespace ls::edit
