// The editor's door into the engine (pimpl: no LibTorch header reaches Qt code or moc).
// Not thread-safe: it lives on the inference worker's thread.
#pragma once

#include <memory>
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
};

class RenderEngine : public RenderBackend {
  public:
    RenderEngine();
    ~RenderEngine() override;
    ModelInfo load(const QString& path, const QString& device) override;
    std::vector<float> sample(uint64_t seed) override;
    std::vector<float> map_z(const std::vector<float>& z) override;
    QImage render(const RenderRequest& request) override;

  private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace ls::ui
