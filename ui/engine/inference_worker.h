// The one long-lived inference worker: it owns the model and runs on its own QThread (as
// KDE's Elisa does with its workers). The UI never waits on it:
//  - render requests carry a generation number; a burst collapses to the newest one, because
//    post() only replaces the pending request and one queued call picks up whatever is
//    newest when the worker gets to it;
//  - long jobs report progress and stop at the next step when cancelled;
//  - every failure comes back as a message, and the worker keeps serving.
#pragma once

#include <QMutex>
#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>
#include <optional>

#include "render_engine.h"

namespace ls::ui {

class InferenceWorker : public QObject {
    Q_OBJECT
  public:
    explicit InferenceWorker(std::unique_ptr<RenderBackend> backend);
    ~InferenceWorker() override;

    // Thread-safe, callable from any thread: the newest posted request is the one rendered.
    void post(const RenderRequest& request);
    // Thread-safe: the running job stops at its next step.
    void cancel_job() { cancel_.store(true); }
    // Thread-safe: discoveries with a job number up to `job` stop at their next step.
    void cancel_discovery(quint64 job) { cancelled_up_to_.store(job); }
    // Thread-safe: inversions with a job number up to `job` stop at their next step, keeping
    // the best code so far.
    void cancel_inversion(quint64 job) { inversions_cancelled_up_to_.store(job); }

    // Thread-safe. The comparison grid: the newest posted one is rendered, after any frame.
    void post_grid(const GridRequest& request);
    // Thread-safe. Preview strips wait after frames and grids and are rendered newest first
    // (the rows just scrolled into view); the oldest are dropped beyond kMaxStrips.
    void post_strip(const GridRequest& request);
    void clear_strips();
    static constexpr int kMaxStrips = 24;

  public Q_SLOTS:
    void load_model(const QString& path, const QString& device);
    void sample(quint64 generation, quint64 seed);
    // z [z_dim] -> W+, answered with `mapped`.
    void map_z(quint64 generation, const QVector<float>& z);
    // A long job: renders `count` samples from `first_seed` on, with progress.
    void render_seeds(quint64 job, quint64 first_seed, int count);
    // A long job with progress, stopped by cancel_discovery(job).
    void discover(const ls::ui::DiscoverRequest& request);
    // Reads a photo and finds its crop: answered with `photo_opened` or `failed(job, ...)`.
    void open_photo(const ls::ui::PhotoRequest& request);
    // A long job: `invert_step` after every step (frames posted meanwhile are rendered between
    // steps), then `inverted` (also when cancelled: the best code so far).
    void invert(const ls::ui::InvertRequest& request);

  Q_SIGNALS:
    void model_loaded(const ls::ui::ModelInfo& info);
    void sampled(quint64 generation, quint64 seed, const QVector<float>& wplus);
    void mapped(quint64 generation, const QVector<float>& wplus);
    void rendered(const ls::ui::RenderResult& result);
    void failed(quint64 generation, const QString& message);
    void progress(quint64 job, double fraction);
    void job_finished(quint64 job, bool cancelled, const QList<QImage>& images);
    void discovered(const ls::ui::DiscoverResult& result);
    void grid_rendered(quint64 job, const QImage& grid);
    // A null strip when it could not be rendered (the message comes with it).
    void strip_rendered(quint64 key, const QImage& strip, const QString& error);
    void photo_opened(const ls::ui::PhotoResult& result);
    void invert_step(const ls::ui::InvertStep& step);
    void inverted(const ls::ui::InvertOutcome& outcome);

  private:
    void process_pending();
    void schedule();  // with mutex_ held
    void render_frame(const RenderRequest& request);
    void serve_waiting_frame();

    std::unique_ptr<RenderBackend> backend_;
    QMutex mutex_;
    std::optional<RenderRequest> pending_;
    std::optional<GridRequest> pending_grid_;
    std::vector<GridRequest> strips_;  // oldest first
    bool scheduled_ = false;
    std::atomic<bool> cancel_{false};
    std::atomic<quint64> cancelled_up_to_{0};
    std::atomic<quint64> inversions_cancelled_up_to_{0};
};

// Owns the worker's thread: starts it, and on destruction cancels the running job, stops the
// event loop and waits for the thread (quit() and wait(), never terminate()).
class InferenceThread {
  public:
    explicit InferenceThread(std::unique_ptr<RenderBackend> backend);
    ~InferenceThread();
    InferenceWorker* worker() const { return worker_; }

  private:
    QThread thread_;
    InferenceWorker* worker_;
};

}  // namespace ls::ui
