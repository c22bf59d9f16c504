// Downloads and imports of models, off the GUI thread: a worker on its own QThread runs the
// jobs one after another in the order they were submitted (each is a queued call), reports
// progress a few times a second, and stops a job when its cancel flag is set (checked before
// the job starts and in libcurl's progress callback, which runs even while no byte comes).
#pragma once

#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>
#include <string>

#include "store/catalog.h"
#include "store/install.h"

namespace ls::ui {

struct DownloadJob {
    enum class Type { Download, Import };
    Type type = Type::Download;
    quint64 id = 0;                       // tells a job from a later one of the same name
    QString name;                         // the catalogue's or the import's name (for the signals)
    store::CatalogEntry entry;            // Download
    std::string file;                     // Import: the user's file
    store::ImportOptions import_options;  // Import (models_dir, trial_load: from the job)
    std::string models_dir;
    store::TrialLoadFn trial_load;
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
};

class DownloadWorker : public QObject {
    Q_OBJECT
  public:
    using QObject::QObject;
    // On the worker's thread (DownloadThread::submit queues it).
    void run(const DownloadJob& job);

  Q_SIGNALS:
    void started(quint64 id, const QString& name);
    // total 0: not known (yet).
    void progressed(quint64 id, const QString& name, qint64 received, qint64 total);
    void verifying(quint64 id, const QString& name);
    void succeeded(quint64 id, const QString& name, const QString& manifest);
    // kind: a store::DownloadError::Kind, or -1 for another failure.
    void failed(quint64 id, const QString& name, int kind, const QString& message);

  private:
    store::InstallResult download(const DownloadJob& job);
    store::InstallResult import_file(const DownloadJob& job);
    store::TrialLoadFn announced_trial(const DownloadJob& job);
};

// Owns the worker's thread (started on construction); the destructor stops it with quit()
// and wait() after the caller has cancelled the jobs.
class DownloadThread {
  public:
    DownloadThread();
    ~DownloadThread();
    DownloadThread(const DownloadThread&) = delete;
    DownloadThread& operator=(const DownloadThread&) = delete;

    DownloadWorker* worker() const { return worker_; }
    void submit(DownloadJob job);

  private:
    QThread thread_;
    DownloadWorker* worker_;
};

}  // namespace ls::ui
