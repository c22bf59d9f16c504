// What `invert`, `inpaint` and `batch` share: a photo (and its mask) to a code, on the model.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "imaging/photo_crop.h"
#include "invert/inverter.h"
#include "model/model.h"
#include "train/feature_net.h"

namespace ls::cli {

struct PhotoJobOptions {
    std::string model, device = "auto";
    std::string preset = "balanced";
    int steps = -1;  // overrides the preset's
    bool w_space = false;
    uint64_t seed = 0;
    std::string crop = "auto";
    std::string yunet;  // a YuNet ONNX file for the landmarks instead of the Haar cascades
    bool overwrite = false;
    bool quiet = false;
};

// Registers the options above on a command.
void add_photo_job_options(CLI::App& cmd, PhotoJobOptions& o);

// The model and what the inversion needs from it, opened once per command.
struct InversionModel {
    Model model;
    train::FeatureNet encoder{nullptr};
    std::optional<AlignTemplate> framing;
};
InversionModel open_inversion_model(const PhotoJobOptions& o);

struct InvertedPhoto {
    RgbImage photo;
    PhotoCrop crop;
    std::optional<GreyImage> mask;  // in the crop's pixels, 255 = hidden
    invert::InvertResult result;
    RgbImage reconstruction;  // G(code) at the model's resolution
    double psnr_db = 0;       // over the known pixels of the crop
};

// Reads the photo (and the mask, in the photo's or the crop's pixels), finds the crop and
// inverts it, printing progress on stderr unless quiet. `label` prefixes the progress lines.
InvertedPhoto invert_photo(InversionModel& m, const PhotoJobOptions& o, const std::string& image,
                           const std::string& mask, const std::string& label);

// An output the command is about to write: its folder must exist; an existing file is refused
// unless `overwrite`, and the input photo never.
void check_new_output(const std::string& path, bool overwrite, const std::string& input);

}  // namespace ls::cli
