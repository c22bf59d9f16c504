// What the editor asks the engine for, and what it gets back: plain data that crosses the
// thread boundary between the UI and the inference worker. No LibTorch here.
#pragma once

#include <QImage>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imaging/face_align.h"
#include "imaging/rgb_image.h"

namespace ls::ui {

struct NamedDirection {
    QString name;
    std::vector<float> direction;  // [w_dim], unit length
};

struct ModelInfo {
    QString name, path, format, device, note;
    QString sha256;  // of the generator's file ("" for the placeholder)
    int resolution = 0, num_ws = 0, w_dim = 0, z_dim = 0;
    // W+ layer ranges of the presets "all", "coarse", "middle", "fine" (from the resolution).
    std::vector<std::pair<QString, std::pair<int, int>>> presets;
    // The model's strongest SeFa directions over all layers (the editor starts with them
    // when the model's manifest ships no directions).
    std::vector<NamedDirection> directions;
    // The outputs of the model's attribute classifier (its manifest's "classifier"), in the
    // order of RenderResult::scores; empty when the model has none.
    QStringList attributes;
};

// One slider: a direction ([w_dim] or [num_ws * w_dim]) applied with `strength` to the W+
// layers first..last.
struct EditSpec {
    std::vector<float> direction;
    double strength = 0.0;
    int first_layer = 0, last_layer = -1;  // -1: the last layer
    bool enabled = true;
};

struct RenderRequest {
    uint64_t generation = 0;
    std::vector<float> wplus;  // [num_ws * w_dim], before truncation and edits
    double truncation = 1.0;
    std::vector<EditSpec> edits;
    bool render_original = false;   // also render the code without edits (before/after view)
    bool score_attributes = false;  // also score the image(s) with the attribute classifier
};

// Discovering directions on the worker: SeFa over layers first..last, or GANSpace's PCA of
// `samples` mapped codes; `count` directions, strongest first.
struct DiscoverRequest {
    uint64_t job = 0;
    QString method;  // "sefa" or "pca"
    int first_layer = 0, last_layer = -1;
    int count = 10;
    int samples = 10000;
};

struct Candidate {
    std::vector<float> direction;  // [w_dim], unit length
    double value = 0.0;            // SeFa: the eigenvalue; PCA: the standard deviation
};

struct DiscoverResult {
    uint64_t job = 0;
    bool cancelled = false;
    std::vector<Candidate> candidates;
    // Every eigenvalue, descending (SeFa: of A^T A; PCA: the variance of each component): the
    // spectrum shows how much of the change the first few directions hold.
    std::vector<double> spectrum;
};

// One direction applied to the current image (its code, truncation and the other edits) at
// several layer ranges (rows) and strengths (columns): the comparison grid, or with one row
// a candidate's preview strip.
struct GridRequest {
    uint64_t key = 0;  // the job, or the candidate a strip is for
    std::vector<float> wplus;
    double truncation = 1.0;
    std::vector<EditSpec> edits;   // the other edits, applied first
    std::vector<float> direction;  // [w_dim] or [num_ws * w_dim]
    std::vector<std::pair<int, int>> ranges;
    std::vector<double> strengths;
    std::vector<std::string> row_labels, column_labels;  // labelled as the CLI's grid when given
    int cell_size = 0;  // >0: cells scaled down to this size, unlabelled, side by side
};

struct RenderResult {
    uint64_t generation = 0;
    QImage image;
    QImage original;  // when asked for
    double milliseconds = 0.0;
    // The classifier's scores of image and original (when asked for and the model has one).
    std::vector<float> scores, original_scores;
};

// A photo, shared read-only between the UI thread and the worker (never copied per request).
using SharedPhoto = std::shared_ptr<const RgbImage>;

// Opening a photo on the worker: read it (unless `photo` is given: the box is re-detected on
// the photo already read), find the crop for the loaded model, or take `alignment` as it is.
struct PhotoRequest {
    uint64_t job = 0;
    QString path;
    SharedPhoto photo;                   // already read: skip reading
    QString crop_mode = "auto";          // "auto", "face", "centre"
    std::optional<Alignment> alignment;  // given (a session's): no detection
    QString yunet_model;                 // "" = the Haar cascades
};

struct PhotoResult {
    uint64_t job = 0;
    QString path;
    SharedPhoto photo;
    Alignment alignment;
    QString note;   // "no face was found: ..." (empty when a face was found)
    QImage crop;    // at the model's resolution
    QImage native;  // the same crop at the photo's own scale (at most kNativeSide): the view
};

// The side of the crop the editor shows a photo's edit at: the photo's own pixels, up to this.
constexpr int kNativeSide = 512;

// An inversion of the crop of `photo` at `alignment`; with a mask (the crop's size, 255 =
// painted), only the unpainted pixels count and the generator fills the painted ones.
struct InvertRequest {
    uint64_t job = 0;
    SharedPhoto photo;
    Alignment alignment;
    QImage mask;  // Format_Grayscale8 or null
    QString preset = "balanced";
    bool wplus = true;
    uint64_t seed = 0;
    int steps = 0;          // 0: the preset's
    int preview_every = 2;  // steps between preview images
};

struct InvertStep {
    uint64_t job = 0;
    int step = 0, steps = 0;
    double loss = 0.0, best_loss = 0.0;
    QImage preview;  // G(best code so far) on preview steps, else null
    QImage target;   // the crop being inverted, with the first step only
};

struct InvertOutcome {
    uint64_t job = 0;
    bool cancelled = false;
    std::vector<float> wplus;  // the best code, [num_ws * w_dim]
    QImage image;              // G(wplus)
    QImage target;             // the crop that was inverted
    QImage native;             // the same crop at the photo's own scale (PhotoResult::native)
    double loss = 0.0;
    int steps_run = 0, steps = 0;
    double seconds = 0.0;
};

}  // namespace ls::ui

Q_DECLARE_METATYPE(ls::ui::PhotoRequest)
Q_DECLARE_METATYPE(ls::ui::PhotoResult)
Q_DECLARE_METATYPE(ls::ui::InvertRequest)
Q_DECLARE_METATYPE(ls::ui::InvertStep)
Q_DECLARE_METATYPE(ls::ui::InvertOutcome)
Q_DECLARE_METATYPE(ls::ui::ModelInfo)
Q_DECLARE_METATYPE(ls::ui::RenderRequest)
Q_DECLARE_METATYPE(ls::ui::RenderResult)
Q_DECLARE_METATYPE(ls::ui::DiscoverRequest)
Q_DECLARE_METATYPE(ls::ui::DiscoverResult)
Q_DECLARE_METATYPE(ls::ui::GridRequest)
