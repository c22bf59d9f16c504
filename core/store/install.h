// Downloads from the catalogue and imports of local files into the user's model folder.
//
// A model is installed as `models_dir/NAME/` holding the model file and a manifest.json
// (docs/model-format.md), and only after it was verified: size and SHA-256 when the catalogue
// knows them, then a trial load. The trial load is a function given by the caller (the
// engine's load_model), so that this library needs no LibTorch. Nothing half-written is ever
// left in place of a model: the folder is assembled under a hidden name and renamed at the end.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "store/catalog.h"

namespace ls::store {

class DownloadError : public std::runtime_error {
  public:
    enum class Kind {
        Offline,      // no connection to the server (refused, unresolved, timed out)
        Interrupted,  // the transfer stopped early: the .part is kept for a resume
        Cancelled,    // the progress callback asked to stop: the .part is kept
        Http,         // the server answered an error status
        Refused,      // the file failed verification (size, checksum, trial load): deleted
        Exists,       // a model of that name is installed already
        Busy,         // another process is downloading the same model
        Unsupported,  // the catalogue marks the format as unreadable by the engine
        Io,           // the model folder could not be written
    };
    DownloadError(Kind kind, const std::string& message)
        : std::runtime_error(message), kind_(kind) {}
    Kind kind() const { return kind_; }

  private:
    Kind kind_;
};

struct Progress {
    uint64_t received = 0;  // bytes in the .part so far, including a resumed start
    uint64_t total = 0;     // 0 while unknown
    bool resumed = false;
};
// Returns false to cancel.
using ProgressFn = std::function<bool(const Progress&)>;
// Throws (any std::exception, with a message for the user) when the file is not a model.
using TrialLoadFn = std::function<void(const std::string& path)>;

struct DownloadOptions {
    std::string models_dir;  // the user's model folder (created when missing)
    ProgressFn progress;     // optional
    TrialLoadFn trial_load;  // required: nothing is installed without a trial load
    long connect_timeout_s = 20;
    long stall_timeout_s = 60;  // give up when no byte came for this long
};

struct InstallResult {
    std::string folder, manifest, file;  // absolute paths
    std::string sha256;
    uint64_t bytes = 0;
    bool resumed = false;  // a .part from an earlier attempt was continued
};

// Downloads `entry` into options.models_dir: streams to NAME.part there (resuming an
// existing one with an HTTP Range request), verifies, trial-loads, then installs NAME/.
// Throws DownloadError; on Interrupted and Cancelled the .part stays for the next call,
// on Refused it is deleted.
InstallResult download_model(const CatalogEntry& entry, const DownloadOptions& options);

// The path of the resumable partial download of `entry` in `models_dir`.
std::string partial_path(const CatalogEntry& entry, const std::string& models_dir);

struct ImportOptions {
    std::string models_dir;
    std::string name;                // default: the file's stem
    std::string alignment = "ffhq";  // ffhq, portrait or centre
    bool link = false;               // a symbolic link to the file instead of a copy
    TrialLoadFn trial_load;          // required
};

// Installs a local .pt/.pth/.pkl/.safetensors as models_dir/NAME/ with a manifest, after a
// trial load of the file. Throws DownloadError (Refused, Exists, Io); nothing is left behind.
InstallResult import_model(const std::string& file, const ImportOptions& options);

}  // namespace ls::store
