#include "download_worker.h"

#include <QElapsedTimer>

#include <exception>

namespace ls::ui {

namespace {
// A progress bar needs no more than a few updates a second; libcurl calls back far more often.
constexpr qint64 kProgressIntervalMs = 200;

QString first_line(const char* what) {
    return QString::fromUtf8(what).section('\n', 0, 0);
}
}  // namespace

void DownloadWorker::run(const DownloadJob& job) {
    if (job.cancel->load()) {
        Q_EMIT failed(job.id, job.name, static_cast<int>(store::DownloadError::Kind::Cancelled),
                      tr("cancelled before it started"));
        return;
    }
    Q_EMIT started(job.id, job.name);
    try {
        const store::InstallResult r =
            job.type == DownloadJob::Type::Download ? download(job) : import_file(job);
        Q_EMIT succeeded(job.id, job.name, QString::fromStdString(r.manifest));
    } catch (const store::DownloadError& e) {
        Q_EMIT failed(job.id, job.name, static_cast<int>(e.kind()), first_line(e.what()));
    } catch (const std::exception& e) {
        Q_EMIT failed(job.id, job.name, -1, first_line(e.what()));
    }
}

store::InstallResult DownloadWorker::download(const DownloadJob& job) {
    store::DownloadOptions o;
    o.models_dir = job.models_dir;
    o.trial_load = announced_trial(job);
    auto clock = std::make_shared<QElapsedTimer>();
    o.progress = [this, &job, clock](const store::Progress& p) {
        if (!clock->isValid() || clock->elapsed() >= kProgressIntervalMs) {
            clock->start();
            Q_EMIT progressed(job.id, job.name, static_cast<qint64>(p.received),
                              static_cast<qint64>(p.total));
        }
        return !job.cancel->load();
    };
    return store::download_model(job.entry, o);
}

store::InstallResult DownloadWorker::import_file(const DownloadJob& job) {
    store::ImportOptions o = job.import_options;
    o.models_dir = job.models_dir;
    o.trial_load = announced_trial(job);
    return store::import_model(job.file, o);
}

// The trial load is the slow part of the verification: the rows say "verifying" during it.
store::TrialLoadFn DownloadWorker::announced_trial(const DownloadJob& job) {
    return [this, &job](const std::string& path) {
        Q_EMIT verifying(job.id, job.name);
        job.trial_load(path);
    };
}

DownloadThread::DownloadThread() : worker_(new DownloadWorker) {
    thread_.setObjectName(QStringLiteral("downloads"));
    worker_->moveToThread(&thread_);
    QObject::connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
}

DownloadThread::~DownloadThread() {
    thread_.quit();
    thread_.wait();
}

void DownloadThread::submit(DownloadJob job) {
    DownloadWorker* w = worker_;
    QMetaObject::invokeMethod(
        w, [w, job = std::move(job)] { w->run(job); }, Qt::QueuedConnection);
}

}  // namespace ls::ui
