// The editor's door into the engine (pimpl: no LibTorch header reaches Qt code or moc).
// Not thread-safe: it lives on the inference worker's thread.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "render_types.h"

namespace ls::ui {

// What the worker drives; tests substitute a slow or failing one.
class RenderBackend {
  public:
    virtual ~RenderBackend() = default;
    virtual ModelInfo load(const QString& path, const QString& device) = 0;
    // W+ of the model for a seed (z as NumPy's RandomState(seed).randn), untruncated.
    virtual std::vector<float> sample(uint64_t seed) = 0;
    // W+ of a z code [z_dim] through the mapping network, untruncated.
    virtual std::vector<float> map_z(const std::vector<float>& z) = 0;
    virtual QImage render(const RenderRequest& request) = 0;

    // Reports the fraction done; returning false stops the job (which then returns nothing).
    using Progress = std::function<bool(double)>;
    // SeFa or GANSpace directions of the loaded model, strongest first, with the whole
    // spectrum (the caller sets the result's job; no candidates when stopped).
    virtual DiscoverResult discover(const DiscoverRequest&, const Progress&) {
        throw std::runtime_error("this engine cannot discover directions");
    }
    // The attribute classifier's scores of an image (ModelInfo::attributes' order); empty when
    // the model has no classifier.
    virtual std::vector<float> score_attributes(const QImage&) { return {}; }
    // The comparison grid, labelled as `latent-studio-cli grid` labels it, or a preview strip
    // (request.cell_size > 0). A null image when stopped.
    virtual QImage render_grid(const GridRequest&, const Progress&) {
        throw std::runtime_error("this engine cannot render grids");
    }
    // Reads a photo and finds the crop for the loaded model (face or centred square).
    virtual PhotoResult open_photo(const PhotoRequest&) {
        throw std::runtime_error("this engine cannot open photos");
    }
    // Runs an inversion step by step; `step` gets every step (with a preview image on preview
    // steps) and returning false stops it, keeping the best code so far.
    using InvertProgress = std::function<bool(const InvertStep&)>;
    virtual InvertOutcome invert(const InvertRequest&, const InvertProgress&) {
        throw std::runtime_error("this engine cannot invert photos");
    }
};

class RenderEngine : public RenderBackend {
  public:
    RenderEngine();
    ~RenderEngine() override;
    ModelInfo load(const QString& path, const QString& device) override;
    std::vector<float> sample(uint64_t seed) override;
    std::vector<float> map_z(const std::vector<float>& z) override;
    QImage render(const RenderRequest& request) override;
    DiscoverResult discover(const DiscoverRequest& request, const Progress& progress) override;
    std::vector<float> score_attributes(const QImage& image) override;
    QImage render_grid(const GridRequest& request, const Progress& progress) override;
    PhotoResult open_photo(const PhotoRequest& request) override;
    InvertOutcome invert(const InvertRequest& request, const InvertProgress& step) override;

  private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace ls::ui
