// The editor's model manager: the shipped model, the user's model folder and the catalogue of
// public models (core/store) as one list for QML, with downloads (resumable, cancellable,
// verified and trial-loaded before they are installed) and imports of local files, both on a
// worker thread. Nothing here touches the network or the disk on the GUI thread except the
// listing of a few folders.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QUrl>

#include <map>
#include <memory>
#include <vector>

#include "download_worker.h"
#include "model_list_model.h"
#include "store/catalog.h"
#include "store/install.h"

namespace ls::ui {

class ModelStore : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ls::ui::ModelListModel* models READ models CONSTANT)
    // Default: the user's model folder (XDG) and the shipped catalogue; tests set temp paths.
    Q_PROPERTY(QString modelsDir READ models_dir WRITE set_models_dir NOTIFY foldersChanged)
    Q_PROPERTY(QString catalogPath READ catalog_path WRITE set_catalog_path NOTIFY foldersChanged)
    // Why the catalogue could not be read ("" when it was).
    Q_PROPERTY(QString catalogError READ catalog_error NOTIFY listChanged)
    // True after a download found no connection, until a download gets through.
    Q_PROPERTY(bool offline READ offline NOTIFY offlineChanged)
    // The address that could not be reached, for "download it in a browser".
    Q_PROPERTY(QString offlineUrl READ offline_url NOTIFY offlineChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)

  public:
    explicit ModelStore(QObject* parent = nullptr);
    ~ModelStore() override;

    ModelListModel* models() { return &models_; }
    QString models_dir() const { return models_dir_; }
    void set_models_dir(const QString& dir);
    QString catalog_path() const { return catalog_path_; }
    void set_catalog_path(const QString& path);
    QString catalog_error() const { return catalog_error_; }
    bool offline() const { return offline_; }
    QString offline_url() const { return offline_url_; }
    bool busy() const { return !jobs_.empty(); }
    // The trial load that decides whether a file is a model (default: the engine's loader on
    // the CPU). Tests replace it; a job keeps the function it was submitted with.
    void set_trial_load(store::TrialLoadFn fn) { trial_load_ = std::move(fn); }

    // Reads the catalogue and the model folders again.
    Q_INVOKABLE void refresh();
    // Downloads (or resumes) the catalogue's `name`; false when it cannot start (unknown,
    // installed, already queued or not readable by the engine: `failed` says why).
    Q_INVOKABLE bool download(const QString& name);
    // Stops the download of `name` (queued or running); what came so far stays for a resume.
    Q_INVOKABLE void cancel(const QString& name);
    // Installs a local model file into the model folder as `name` ("" for the file's name),
    // copied or linked; `alignment` is ffhq, portrait or centre.
    Q_INVOKABLE void importFile(const QUrl& file, const QString& name, const QString& alignment,
                                bool link);
    // Whether two paths name the same file (the editor's model and a row's, for "current").
    Q_INVOKABLE bool sameFile(const QString& a, const QString& b) const;

  Q_SIGNALS:
    void foldersChanged();
    void listChanged();
    void offlineChanged();
    void busyChanged();
    // `path` is the installed model's manifest.json (what EditorController.loadModel takes).
    void installed(const QString& name, const QString& path);
    void failed(const QString& name, const QString& message);

  private:
    // A job the worker has not finished: what its catalogue row shows.
    struct Job {
        quint64 id = 0;
        bool is_download = false;
        QString state = QStringLiteral("queued");  // queued, downloading, verifying
        qint64 received = 0, total = 0;
        std::shared_ptr<std::atomic<bool>> cancel;
    };

    DownloadThread& thread();
    void submit(DownloadJob job);
    void connect_worker(DownloadWorker* worker);
    void on_progress(const QString& name, qint64 received, qint64 total);
    void on_state(const QString& name, const QString& state);
    void on_succeeded(const QString& name, const QString& manifest);
    void on_failed(const QString& name, int kind, const QString& message);
    void finish_job(const QString& name);
    void set_offline(bool offline, const QString& url = {});
    QString failure_message(const QString& name, int kind, const QString& detail) const;
    const store::CatalogEntry* entry(const QString& name) const;

    std::vector<ModelRow> installed_rows() const;
    std::vector<ModelRow> catalogue_rows(const std::vector<ModelRow>& installed) const;
    void apply_job(ModelRow& row) const;

    ModelListModel models_;
    QString models_dir_, catalog_path_, catalog_error_, offline_url_;
    bool offline_ = false;
    std::vector<store::CatalogEntry> catalog_;
    std::map<QString, Job> jobs_;
    store::TrialLoadFn trial_load_;
    std::unique_ptr<DownloadThread> thread_;  // started by the first job
};

}  // namespace ls::ui
