#include "inference_worker.h"

#include <QElapsedTimer>
#include <algorithm>
#include <exception>
#include <limits>

namespace ls::ui {

namespace {
// c10::Error messages carry a C++ backtrace after the first line: users get the first line.
QString first_line(const char* what) {
    const QString text = QString::fromUtf8(what);
    return text.section('\n', 0, 0);
}
}  // namespace

InferenceWorker::InferenceWorker(std::unique_ptr<RenderBackend> backend)
    : backend_(std::move(backend)) {
    qRegisterMetaType<ls::ui::ModelInfo>();
    qRegisterMetaType<ls::ui::RenderRequest>();
    qRegisterMetaType<ls::ui::RenderResult>();
    qRegisterMetaType<ls::ui::DiscoverRequest>();
    qRegisterMetaType<ls::ui::DiscoverResult>();
    qRegisterMetaType<ls::ui::GridRequest>();
    qRegisterMetaType<ls::ui::PhotoRequest>();
    qRegisterMetaType<ls::ui::PhotoResult>();
    qRegisterMetaType<ls::ui::InvertRequest>();
    qRegisterMetaType<ls::ui::InvertStep>();
    qRegisterMetaType<ls::ui::InvertOutcome>();
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::post(const RenderRequest& request) {
    QMutexLocker lock(&mutex_);
    pending_ = request;
    schedule();
}

void InferenceWorker::post_grid(const GridRequest& request) {
    QMutexLocker lock(&mutex_);
    pending_grid_ = request;
    schedule();
}

void InferenceWorker::post_strip(const GridRequest& request) {
    QMutexLocker lock(&mutex_);
    // A strip asked for again moves to the front.
    strips_.erase(std::remove_if(strips_.begin(), strips_.end(),
                                 [&](const GridRequest& r) { return r.key == request.key; }),
                  strips_.end());
    strips_.push_back(request);
    if (strips_.size() > size_t{kMaxStrips}) strips_.erase(strips_.begin());
    schedule();
}

void InferenceWorker::clear_strips() {
    QMutexLocker lock(&mutex_);
    strips_.clear();
}

void InferenceWorker::schedule() {
    if (scheduled_) return;
    scheduled_ = true;
    QMetaObject::invokeMethod(this, &InferenceWorker::process_pending, Qt::QueuedConnection);
}

// One piece of work per call, the most urgent first (the newest frame, then the grid, then
// the newest strip), so that a frame never waits behind more than one grid or strip.
void InferenceWorker::process_pending() {
    std::optional<RenderRequest> frame;
    std::optional<GridRequest> grid, strip;
    {
        QMutexLocker lock(&mutex_);
        scheduled_ = false;
        if (pending_) {
            frame = std::move(*pending_);
            pending_.reset();
        } else if (pending_grid_) {
            grid = std::move(*pending_grid_);
            pending_grid_.reset();
        } else if (!strips_.empty()) {
            strip = std::move(strips_.back());
            strips_.pop_back();
        }
        if (pending_ || pending_grid_ || !strips_.empty()) schedule();
    }
    // Between the rows of a grid or strip: a frame posted meanwhile is rendered first (the
    // sliders stay live in the compare view), and a newer grid replaces this one.
    const bool is_grid = grid.has_value();
    const auto keep_going = [this, is_grid](double) {
        if (cancel_.load()) return false;
        serve_waiting_frame();
        QMutexLocker lock(&mutex_);
        return !(is_grid && pending_grid_);
    };
    if (frame) {
        render_frame(*frame);
    } else if (grid) {
        try {
            const QImage image = backend_->render_grid(*grid, keep_going);
            if (!image.isNull()) Q_EMIT grid_rendered(grid->key, image);
        } catch (const std::exception& e) {
            Q_EMIT failed(grid->key, first_line(e.what()));
        }
    } else if (strip) {
        try {
            Q_EMIT strip_rendered(strip->key, backend_->render_grid(*strip, keep_going), {});
        } catch (const std::exception& e) {
            Q_EMIT strip_rendered(strip->key, QImage(), first_line(e.what()));
        }
    }
}

void InferenceWorker::serve_waiting_frame() {
    std::optional<RenderRequest> frame;
    {
        QMutexLocker lock(&mutex_);
        frame.swap(pending_);
    }
    if (frame) render_frame(*frame);
}

void InferenceWorker::render_frame(const RenderRequest& request) {
    QElapsedTimer timer;
    timer.start();
    try {
        RenderResult result;
        result.generation = request.generation;
        result.image = backend_->render(request);
        result.milliseconds = timer.nsecsElapsed() / 1e6;
        if (request.render_original) {
            RenderRequest plain = request;
            plain.edits.clear();
            result.original = backend_->render(plain);
        }
        if (request.score_attributes) {
            result.scores = backend_->score_attributes(result.image);
            if (!result.original.isNull())
                result.original_scores = backend_->score_attributes(result.original);
        }
        Q_EMIT rendered(result);
    } catch (const std::exception& e) {
        Q_EMIT failed(request.generation, first_line(e.what()));
    }
}

void InferenceWorker::discover(const DiscoverRequest& request) {
    DiscoverResult result;
    result.job = request.job;
    const auto keep_going = [&](double fraction) {
        if (cancel_.load() || cancelled_up_to_.load() >= request.job) return false;
        Q_EMIT progress(request.job, fraction);
        return true;
    };
    try {
        if (!keep_going(0.0)) {
            result.cancelled = true;
        } else {
            result = backend_->discover(request, keep_going);
            result.job = request.job;
            result.cancelled = result.candidates.empty();
        }
        Q_EMIT discovered(result);
    } catch (const std::exception& e) {
        Q_EMIT failed(request.job, first_line(e.what()));
    }
}

void InferenceWorker::open_photo(const PhotoRequest& request) {
    try {
        Q_EMIT photo_opened(backend_->open_photo(request));
    } catch (const std::exception& e) {
        Q_EMIT failed(request.job, first_line(e.what()));
    }
}

void InferenceWorker::invert(const InvertRequest& request) {
    const auto keep_going = [&](const InvertStep& step) {
        Q_EMIT invert_step(step);
        serve_waiting_frame();  // the sliders stay live while the inversion runs
        return inversions_cancelled_up_to_.load() < request.job;
    };
    try {
        Q_EMIT inverted(backend_->invert(request, keep_going));
    } catch (const std::exception& e) {
        Q_EMIT failed(request.job, first_line(e.what()));
    }
}

void InferenceWorker::load_model(const QString& path, const QString& device) {
    try {
        Q_EMIT model_loaded(backend_->load(path, device));
    } catch (const std::exception& e) {
        Q_EMIT failed(0, first_line(e.what()));
    }
}

void InferenceWorker::sample(quint64 generation, quint64 seed) {
    try {
        const std::vector<float> w = backend_->sample(seed);
        Q_EMIT sampled(generation, seed, QVector<float>(w.begin(), w.end()));
    } catch (const std::exception& e) {
        Q_EMIT failed(generation, first_line(e.what()));
    }
}

void InferenceWorker::map_z(quint64 generation, const QVector<float>& z) {
    try {
        const std::vector<float> w = backend_->map_z(std::vector<float>(z.begin(), z.end()));
        Q_EMIT mapped(generation, QVector<float>(w.begin(), w.end()));
    } catch (const std::exception& e) {
        Q_EMIT failed(generation, first_line(e.what()));
    }
}

void InferenceWorker::render_seeds(quint64 job, quint64 first_seed, int count) {
    cancel_.store(false);
    QList<QImage> images;
    try {
        for (int i = 0; i < count; ++i) {
            if (cancel_.load()) {
                Q_EMIT job_finished(job, true, images);
                return;
            }
            RenderRequest r;
            r.wplus = backend_->sample(first_seed + static_cast<quint64>(i));
            images.append(backend_->render(r));
            Q_EMIT progress(job, double(i + 1) / count);
        }
    } catch (const std::exception& e) {
        Q_EMIT failed(job, first_line(e.what()));
    }
    Q_EMIT job_finished(job, false, images);
}

InferenceThread::InferenceThread(std::unique_ptr<RenderBackend> backend)
    : worker_(new InferenceWorker(std::move(backend))) {
    thread_.setObjectName(QStringLiteral("inference"));
    worker_->moveToThread(&thread_);
    QObject::connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
}

InferenceThread::~InferenceThread() {
    worker_->cancel_job();
    worker_->cancel_discovery(std::numeric_limits<quint64>::max());
    worker_->cancel_inversion(std::numeric_limits<quint64>::max());
    thread_.quit();
    thread_.wait();
}

}  // namespace ls::ui
