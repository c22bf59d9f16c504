#include "model_store.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <filesystem>
#include <set>

#include "engine/model_check.h"

namespace fs = std::filesystem;

namespace ls::ui {

namespace {
using Kind = store::DownloadError::Kind;

// Decimal units, as the command line and browsers count downloads.
QString bytes_text(qint64 bytes) {
    if (bytes >= 1000 * 1000 * 1000) return QStringLiteral("%1 GB").arg(bytes / 1e9, 0, 'f', 2);
    if (bytes >= 1000 * 1000) return QStringLiteral("%1 MB").arg(bytes / 1e6, 0, 'f', 1);
    return QStringLiteral("%1 KB").arg(bytes / 1e3, 0, 'f', 0);
}

QString progress_text(qint64 received, qint64 total) {
    if (total > 0) return ModelStore::tr("%1 of %2").arg(bytes_text(received), bytes_text(total));
    return ModelStore::tr("%1 so far").arg(bytes_text(received));
}

QString qstr(const std::string& s) {
    return QString::fromStdString(s);
}

// core/store's messages end with advice for the command line ("run the same command again").
QString without_cli_advice(QString detail) {
    for (const char* tail : {"; run ", "; remove it first", "; nothing was installed"}) {
        const int at = detail.indexOf(QLatin1String(tail));
        if (at > 0) detail.truncate(at);
    }
    return detail;
}

qint64 bytes_on_disk(const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);  // follows a link to the user's own file
    return ec ? -1 : static_cast<qint64>(size);
}

// What a model takes: every file of its folder (the generator and what the manifest adds:
// encoder, classifier, directions), a linked file counted at its own size.
qint64 folder_bytes(const fs::path& folder) {
    std::error_code ec;
    qint64 total = 0;
    for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code size_ec;
        const auto size = fs::file_size(it->path(), size_ec);  // follows links
        if (!size_ec) total += static_cast<qint64>(size);
    }
    return ec ? -1 : total;
}
}  // namespace

ModelStore::ModelStore(QObject* parent)
    : QObject(parent),
      models_dir_(qstr(store::user_models_dir())),
      catalog_path_(qstr(store::default_catalog_path())),
      trial_load_(trial_load_model) {}

ModelStore::~ModelStore() {
    // A running download stops at libcurl's next progress call; queued ones never start.
    for (auto& [name, job] : jobs_) job.cancel->store(true);
    thread_.reset();
}

void ModelStore::set_models_dir(const QString& dir) {
    if (dir == models_dir_) return;
    models_dir_ = dir;
    Q_EMIT foldersChanged();
    refresh();
}

void ModelStore::set_catalog_path(const QString& path) {
    if (path == catalog_path_) return;
    catalog_path_ = path;
    Q_EMIT foldersChanged();
    refresh();
}

void ModelStore::refresh() {
    catalog_.clear();
    catalog_error_.clear();
    if (catalog_path_.isEmpty()) {
        catalog_error_ = tr("No catalogue of models is installed (models/catalog.json).");
    } else {
        try {
            catalog_ = store::read_catalog(catalog_path_.toStdString());
        } catch (const std::exception& e) {
            catalog_error_ = QString::fromUtf8(e.what());
        }
    }
    std::vector<ModelRow> rows = installed_rows();
    std::vector<ModelRow> available = catalogue_rows(rows);
    rows.insert(rows.end(), available.begin(), available.end());
    models_.set_rows(std::move(rows));
    Q_EMIT listChanged();
}

std::vector<ModelRow> ModelStore::installed_rows() const {
    std::vector<ModelRow> rows;
    const auto add = [&](const store::InstalledModel& m, bool shipped) {
        ModelRow r;
        r.name = qstr(m.name);
        r.title = qstr(m.title);
        r.licence = qstr(m.licence);
        r.section = QStringLiteral("installed");
        r.state = QStringLiteral("installed");
        r.path = qstr((fs::path(m.folder) / "manifest.json").string());
        r.shipped = shipped;
        r.link = m.link;
        const qint64 size = folder_bytes(fs::path(m.folder));
        r.sizeText = size >= 0 ? bytes_text(size) : tr("size unknown");
        if (const store::CatalogEntry* e = entry(r.name); e && !shipped) {
            r.description = qstr(e->description);
            r.resolution = e->resolution;
            r.licenceUrl = qstr(e->licence_url);
            r.url = qstr(e->url);
        }
        if (shipped) r.description = tr("Comes with Latent Studio.");
        rows.push_back(r);
    };
    // The shipped model first; an installed copy and the source tree's may both exist.
    std::set<std::string> shipped;
    for (const std::string& dir : store::shared_models_dirs()) {
        for (const auto& m : store::list_installed(dir)) {
            if (shipped.insert(m.name).second) add(m, true);
        }
    }
    for (const auto& m : store::list_installed(models_dir_.toStdString())) add(m, false);
    return rows;
}

std::vector<ModelRow> ModelStore::catalogue_rows(const std::vector<ModelRow>& installed) const {
    std::vector<ModelRow> rows;
    for (const store::CatalogEntry& e : catalog_) {
        const QString name = qstr(e.name);
        const bool have = std::any_of(installed.begin(), installed.end(), [&](const ModelRow& r) {
            return r.name == name && !r.shipped;
        });
        if (have) continue;
        ModelRow r;
        r.name = name;
        r.title = qstr(e.title);
        r.description = qstr(e.description);
        r.resolution = e.resolution;
        r.licence = qstr(e.licence);
        r.licenceUrl = qstr(e.licence_url);
        r.url = qstr(e.url);
        r.section = QStringLiteral("catalogue");
        r.sizeText = e.size ? bytes_text(static_cast<qint64>(*e.size)) : tr("size unknown");
        const qint64 part = bytes_on_disk(store::partial_path(e, models_dir_.toStdString()));
        const qint64 total = e.size ? static_cast<qint64>(*e.size) : 0;
        if (!e.loadable) {
            r.state = QStringLiteral("unsupported");
        } else if (part > 0) {
            r.state = QStringLiteral("partial");
            r.progress = total > 0 ? double(part) / double(total) : -1.0;
            r.bytesText = progress_text(part, total);
        } else {
            r.state = QStringLiteral("available");
        }
        apply_job(r);
        rows.push_back(r);
    }
    return rows;
}

void ModelStore::apply_job(ModelRow& row) const {
    const auto it = jobs_.find(row.name);
    if (it == jobs_.end()) return;
    const Job& job = it->second;
    row.state = job.state;
    // A queued resume keeps showing what it has.
    if (job.state == QLatin1String("queued") && !row.bytesText.isEmpty()) return;
    row.progress = job.total > 0 ? double(job.received) / double(job.total) : -1.0;
    row.bytesText = job.received > 0 ? progress_text(job.received, job.total) : QString();
}

const store::CatalogEntry* ModelStore::entry(const QString& name) const {
    for (const store::CatalogEntry& e : catalog_) {
        if (qstr(e.name) == name) return &e;
    }
    return nullptr;
}

bool ModelStore::download(const QString& name) {
    const store::CatalogEntry* e = entry(name);
    if (!e) {
        Q_EMIT failed(name, tr("There is no model “%1” in the catalogue.").arg(name));
        return false;
    }
    if (jobs_.count(name)) return false;  // queued or running already
    if (QFileInfo::exists(QDir(models_dir_).filePath(name + QStringLiteral("/manifest.json")))) {
        Q_EMIT failed(name, failure_message(name, int(Kind::Exists), {}));
        return false;
    }
    if (!e->loadable) {
        Q_EMIT failed(name, failure_message(name, int(Kind::Unsupported), {}));
        return false;
    }
    DownloadJob job;
    job.type = DownloadJob::Type::Download;
    job.name = name;
    job.entry = *e;
    submit(std::move(job));
    return true;
}

void ModelStore::importFile(const QUrl& file, const QString& name, const QString& alignment,
                            bool link) {
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    DownloadJob job;
    job.type = DownloadJob::Type::Import;
    // core/store names the folder after the file's stem when no name is given.
    job.name = name.trimmed().isEmpty() ? QFileInfo(path).completeBaseName() : name.trimmed();
    if (jobs_.count(job.name)) {
        Q_EMIT failed(job.name, tr("“%1” is being installed already.").arg(job.name));
        return;
    }
    job.file = path.toStdString();
    job.import_options.name = name.trimmed().toStdString();
    job.import_options.alignment = alignment.isEmpty() ? "ffhq" : alignment.toStdString();
    job.import_options.link = link;
    submit(std::move(job));
}

void ModelStore::cancel(const QString& name) {
    const auto it = jobs_.find(name);
    if (it == jobs_.end()) return;
    it->second.cancel->store(true);
    // A queued job is skipped by the worker: its row shows what is on disk right away.
    if (it->second.state == QLatin1String("queued")) {
        finish_job(name);
        refresh();
    }
}

bool ModelStore::sameFile(const QString& a, const QString& b) const {
    if (a.isEmpty() || b.isEmpty()) return false;
    const QString ca = QFileInfo(a).canonicalFilePath(), cb = QFileInfo(b).canonicalFilePath();
    return ca.isEmpty() || cb.isEmpty() ? a == b : ca == cb;
}

DownloadThread& ModelStore::thread() {
    if (!thread_) {
        thread_ = std::make_unique<DownloadThread>();
        connect_worker(thread_->worker());
    }
    return *thread_;
}

void ModelStore::connect_worker(DownloadWorker* w) {
    // Queued: the worker's signals come from its thread.
    const auto mine = [this](quint64 id, const QString& name) {
        const auto it = jobs_.find(name);
        return it != jobs_.end() && it->second.id == id;
    };
    connect(w, &DownloadWorker::started, this, [this, mine](quint64 id, const QString& name) {
        if (mine(id, name)) on_state(name, QStringLiteral("downloading"));
    });
    connect(w, &DownloadWorker::verifying, this, [this, mine](quint64 id, const QString& name) {
        if (mine(id, name)) on_state(name, QStringLiteral("verifying"));
    });
    connect(w, &DownloadWorker::progressed, this,
            [this, mine](quint64 id, const QString& name, qint64 received, qint64 total) {
                if (mine(id, name)) on_progress(name, received, total);
            });
    connect(w, &DownloadWorker::succeeded, this,
            [this, mine](quint64 id, const QString& name, const QString& manifest) {
                if (mine(id, name)) on_succeeded(name, manifest);
            });
    connect(w, &DownloadWorker::failed, this,
            [this, mine](quint64 id, const QString& name, int kind, const QString& detail) {
                if (mine(id, name)) on_failed(name, kind, detail);
            });
}

void ModelStore::submit(DownloadJob job) {
    static quint64 next_id = 0;
    job.id = ++next_id;
    job.models_dir = models_dir_.toStdString();
    job.trial_load = trial_load_;
    Job state;
    state.id = job.id;
    state.is_download = job.type == DownloadJob::Type::Download;
    state.cancel = job.cancel;
    const bool was_busy = busy();
    jobs_[job.name] = state;
    models_.update(job.name, [this](ModelRow& r) { apply_job(r); });
    if (!was_busy) Q_EMIT busyChanged();
    thread().submit(std::move(job));
}

void ModelStore::on_state(const QString& name, const QString& state) {
    jobs_[name].state = state;
    models_.update(name, [this](ModelRow& r) { apply_job(r); });
}

void ModelStore::on_progress(const QString& name, qint64 received, qint64 total) {
    Job& job = jobs_[name];
    job.state = QStringLiteral("downloading");
    job.received = received;
    job.total = total;
    if (received > 0) set_offline(false);  // bytes came: there is a connection
    models_.update(name, [this](ModelRow& r) { apply_job(r); });
}

void ModelStore::on_succeeded(const QString& name, const QString& manifest) {
    if (jobs_[name].is_download) set_offline(false);
    finish_job(name);
    refresh();
    Q_EMIT installed(name, manifest);
}

void ModelStore::on_failed(const QString& name, int kind, const QString& detail) {
    finish_job(name);
    if (kind == int(Kind::Offline)) {
        const store::CatalogEntry* e = entry(name);
        set_offline(true, e ? qstr(e->url) : QString());
    }
    refresh();
    // A cancel is the user's own doing: the row says "partial", no message needed.
    if (kind != int(Kind::Cancelled)) Q_EMIT failed(name, failure_message(name, kind, detail));
}

void ModelStore::finish_job(const QString& name) {
    jobs_.erase(name);
    if (jobs_.empty()) Q_EMIT busyChanged();
}

void ModelStore::set_offline(bool offline, const QString& url) {
    if (offline == offline_ && url == offline_url_) return;
    offline_ = offline;
    offline_url_ = offline ? url : QString();
    Q_EMIT offlineChanged();
}

QString ModelStore::failure_message(const QString& name, int kind, const QString& detail) const {
    const store::CatalogEntry* e = entry(name);
    const QString title = e ? qstr(e->title) : name;
    const QString url = e ? qstr(e->url) : QString();
    const QString why = without_cli_advice(detail);
    switch (kind) {
        case int(Kind::Offline):
            return tr("No connection: %1 could not be downloaded. Download the file in a browser "
                      "from %2 and add it with “Import a file…”.")
                .arg(title, url);
        case int(Kind::Interrupted):
            return tr("The download of %1 stopped (%2). Resume continues where it stopped.")
                .arg(title, why);
        case int(Kind::Http):
            return tr("The server did not give %1: %2.").arg(title, why);
        case int(Kind::Refused):
            return tr("%1 was not installed: %2.").arg(title, why);
        case int(Kind::Exists):
            return tr("A model called “%1” is installed already; remove its folder in %2 "
                      "first, or import under another name.")
                .arg(name, models_dir_);
        case int(Kind::Busy):
            return tr("%1 is being downloaded by another Latent Studio or the command line; try "
                      "again when that has finished.")
                .arg(title);
        case int(Kind::Unsupported):
            return tr("%1 is in a format Latent Studio cannot read (%2): convert it first, then "
                      "import the converted file.")
                .arg(title, e ? qstr(e->format) : QString());
        case int(Kind::Io):
            return tr("%1 could not be saved: %2.").arg(title, why);
        default:
            return tr("%1 could not be installed: %2.").arg(title, why);
    }
}

}  // namespace ls::ui
