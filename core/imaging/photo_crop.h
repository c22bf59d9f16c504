// From a photo to the crop a model inverts, and from an edited crop back to the photo: the
// steps the editor and the command line share (invert, inpaint, batch, export).
#pragma once

#include <optional>
#include <string>

#include "imaging/face_align.h"
#include "imaging/rgb_image.h"

namespace ls {

// How to find the crop: "auto" (a face when one is found, else the centred square), "face"
// (a face or an error), "centre" (the centred square, for models that are not face models).
enum class CropMode { Auto, Face, Centre };
CropMode parse_crop_mode(const std::string& text);  // throws std::invalid_argument

// The model's framing from its manifest's "alignment": "ffhq", "portrait" or "centre"
// (std::nullopt: not a face model, always the centred square).
std::optional<AlignTemplate> framing_for(const std::string& alignment);

struct PhotoCrop {
    Alignment alignment;
    std::optional<FaceLandmarks> face;  // what the detector found
    RgbImage crop;                      // resolution x resolution
    std::string note;                   // for the user: "no face found: the centred square"
};

// Finds the crop of `photo` for a model of `resolution` framed as `framing`. Throws
// io::FormatError in mode Face when there is no face.
PhotoCrop crop_photo(const RgbImage& photo, const std::optional<AlignTemplate>& framing,
                     int resolution, CropMode mode, const DetectorOptions& detector = {});

// A mask painted on the photo (its size) or on the crop (resolution x resolution), as a mask
// of the crop; any other size is refused with io::FormatError naming both sizes.
GreyImage mask_for_crop(const GreyImage& mask, const RgbImage& photo, const Alignment& a,
                        int resolution);

// How an edited crop goes back into the photo:
// Difference: the photo's own pixels plus (edited - reconstruction), upsampled: detail the
//   model cannot draw (a low-resolution model, skin texture, hair) stays, and an edit of
//   strength 0 leaves the photo as it was.
// Replace: the edited crop itself, as the inversion papers paste it.
enum class PasteMode { Difference, Replace };
PasteMode parse_paste_mode(const std::string& text);  // throws std::invalid_argument

RgbImage paste_edit(const RgbImage& photo, const Alignment& a, const RgbImage& reconstruction,
                    const RgbImage& edited, PasteMode mode, const PasteOptions& options = {});

// Inpainting: the photo with only the painted region replaced by the generator's fill
// (`fill` is the crop the model drew; `mask` is in the photo's or the crop's pixels, 255 =
// fill), blended over `feather` pixels of the photo.
RgbImage paste_fill(const RgbImage& photo, const Alignment& a, const RgbImage& fill,
                    const GreyImage& mask, double feather);

// Alignments as JSON text (sessions, `invert --out-alignment`): method, quad, photo size.
std::string alignment_to_json(const Alignment& a);
Alignment alignment_from_json(const std::string& text);  // throws io::FormatError

}  // namespace ls
