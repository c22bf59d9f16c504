#include "inference_worker.h"

#include <QElapsedTimer>
#include <exception>

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
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::post(const RenderRequest& request) {
    QMutexLocker lock(&mutex_);
    pending_ = request;
    if (scheduled_) return;
    scheduled_ = true;
    QMetaObject::invokeMethod(this, &InferenceWorker::process_pending, Qt::QueuedConnection);
}

void InferenceWorker::process_pending() {
    RenderRequest request;
    {
        QMutexLocker lock(&mutex_);
        scheduled_ = false;
        if (!pending_) return;
        request = std::move(*pending_);
        pending_.reset();
    }
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
        Q_EMIT rendered(result);
    } catch (const std::exception& e) {
        Q_EMIT failed(request.generation, first_line(e.what()));
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
    thread_.quit();
    thread_.wait();
}

}  // namespace ls::ui
