// The editor's directions: the Discover panel (SeFa / GANSpace candidates with preview
// strips), the compare view (the comparison grid of one edit) and the direction library of
// the model. Everything heavy runs on the inference worker; results come back by signal.
#include <QDir>
#include <QFileInfo>
#include <QImageWriter>
#include <QSaveFile>
#include <QStandardPaths>

#include <cmath>

#include "editor_controller.h"
#include "io/value.h"

namespace ls::ui {

namespace {

QString local_path(const QUrl& url) {
    return url.isLocalFile() ? url.toLocalFile() : url.toString();
}

// As `latent-studio-cli grid` labels its columns.
std::string strength_label(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, s == 0 ? "%g" : "%+g", s);
    return buf;
}

// -s, -s/2, 0, s/2, s
std::vector<double> strengths_for(double s) {
    return {-s, -s / 2, 0.0, s / 2, s};
}

constexpr int kStripCell = 72;  // px per preview cell
constexpr int kStripKeyBits = 16;

}  // namespace

QString EditorController::rangeLabel(int first, int last) const {
    if (last < 0) last = model_.num_ws - 1;
    for (const auto& [name, range] : model_.presets) {
        if (range.first == first && range.second == last) return name;
    }
    return first == last ? tr("layer %1").arg(first) : tr("layers %1-%2").arg(first).arg(last);
}

// ---- discovery --------------------------------------------------------------------------

void EditorController::discover(const QString& method, int first, int last, int count,
                                int samples) {
    if (!ready()) return;
    if (discover_job_) cancelDiscovery();
    DiscoverRequest r;
    r.job = discover_job_ = ++generation_;
    r.method = method;
    r.first_layer = method == QLatin1String("sefa") ? first : 0;
    r.last_layer = method == QLatin1String("sefa") ? last : -1;
    r.count = count;
    r.samples = samples;
    candidate_range_ = {r.first_layer, r.last_layer < 0 ? model_.num_ws - 1 : r.last_layer};
    candidate_method_ = method;
    discover_progress_ = 0.0;
    Q_EMIT discoveryChanged();
    set_status(method == QLatin1String("sefa")
                   ? tr("Discovering SeFa directions (%1)…")
                         .arg(rangeLabel(candidate_range_.first, candidate_range_.second))
                   : tr("Discovering GANSpace directions from %1 samples…").arg(samples));
    QMetaObject::invokeMethod(inference_->worker(), "discover", Qt::QueuedConnection,
                              Q_ARG(ls::ui::DiscoverRequest, r));
}

void EditorController::cancelDiscovery() {
    if (!discover_job_) return;
    inference_->worker()->cancel_discovery(discover_job_);
    discover_job_ = 0;
    Q_EMIT discoveryChanged();
    set_status(tr("Discovery cancelled"));
}

void EditorController::on_discovered(const DiscoverResult& result) {
    if (result.job != discover_job_) return;  // cancelled, or a newer one runs
    discover_job_ = 0;
    discover_progress_ = 1.0;
    if (result.cancelled) {
        Q_EMIT discoveryChanged();
        return;
    }
    discover_spectrum_ = QList<qreal>(result.spectrum.begin(), result.spectrum.end());
    const bool sefa = candidate_method_ == QLatin1String("sefa");
    const QString range = rangeLabel(candidate_range_.first, candidate_range_.second);
    std::vector<DirectionItem> items;
    for (size_t i = 0; i < result.candidates.size(); ++i) {
        const Candidate& c = result.candidates[i];
        DirectionItem d;
        d.name = (sefa ? QStringLiteral("SeFa %1") : QStringLiteral("PCA %1")).arg(i + 1);
        d.detail =
            sefa ? tr("eigenvalue %1").arg(c.value, 0, 'g', 4) : tr("σ %1").arg(c.value, 0, 'g', 3);
        d.rangeLabel = range;
        d.direction = c.direction;
        d.first_layer = candidate_range_.first;
        d.last_layer = candidate_range_.second;
        d.value = c.value;
        // The slider's unit: the direction itself for SeFa, one standard deviation for PCA.
        d.scale = sefa ? 1.0 : c.value;
        items.push_back(std::move(d));
    }
    ++strip_generation_;
    inference_->worker()->clear_strips();
    candidates_.set_items(std::move(items));
    Q_EMIT discoveryChanged();
    set_status(tr("%n direction(s) found", "", candidates_.rowCount()));
}

void EditorController::set_preview_strength(double s) {
    if (!(s > 0) || s == preview_strength_) return;
    preview_strength_ = s;
    Q_EMIT discoveryChanged();
    refreshStrips();
}

GridRequest EditorController::current_code_request() const {
    GridRequest r;
    r.wplus = state_.base;
    r.truncation = state_.truncation;
    r.edits = edits_.specs();
    return r;
}

void EditorController::requestStrip(int candidate) {
    if (candidate < 0 || candidate >= candidates_.rowCount() || state_.base.empty()) return;
    const DirectionItem& d = candidates_.items()[size_t(candidate)];
    GridRequest r = current_code_request();
    r.key = (strip_generation_ << kStripKeyBits) | quint64(candidate);
    r.direction = d.direction;
    r.ranges = {{d.first_layer, d.last_layer}};
    r.strengths = strengths_for(preview_strength_ * d.scale);
    r.cell_size = kStripCell;
    inference_->worker()->post_strip(r);
}

void EditorController::refreshStrips() {
    ++strip_generation_;
    inference_->worker()->clear_strips();
    candidates_.mark_strips_stale();  // the rows in view ask again
}

void EditorController::on_strip_rendered(quint64 key, const QImage& strip, const QString& error) {
    if ((key >> kStripKeyBits) != strip_generation_) return;
    if (!error.isEmpty()) {
        if (error != strip_error_) set_status(tr("Preview failed: %1").arg(error));
        strip_error_ = error;
        return;
    }
    candidates_.set_strip(int(key & ((1u << kStripKeyBits) - 1)), strip);
}

void EditorController::add_edit_row(EditRow row, const QString& undo_text) {
    EditorState next = state_;
    next.edits.push_back(std::move(row));
    push_change(undo_text, state_, next, false);
}

void EditorController::addCandidate(int candidate, const QString& name) {
    if (candidate < 0 || candidate >= candidates_.rowCount()) return;
    const DirectionItem& d = candidates_.items()[size_t(candidate)];
    EditRow row;
    row.name = name.trimmed().isEmpty() ? QStringLiteral("%1 (%2)").arg(d.name, d.rangeLabel)
                                        : name.trimmed();
    row.spec.direction = d.direction;
    row.spec.first_layer = d.first_layer;
    row.spec.last_layer = d.last_layer;
    row.range = preview_strength_ * d.scale;
    add_edit_row(row, tr("Add %1").arg(row.name));
    set_status(tr("Added %1 to the edits").arg(row.name));
}

// ---- compare view ------------------------------------------------------------------------

void EditorController::set_compare_active(bool on) {
    if (on == compare_active_) return;
    compare_active_ = on;
    if (on && (compare_row_ < 0 || compare_row_ >= edits_.rowCount()))
        compare_row_ = edits_.rowCount() - 1;
    Q_EMIT compareChanged();
    if (on) request_compare();
}

void EditorController::set_compare_row(int row) {
    if (row == compare_row_) return;
    compare_row_ = row;
    Q_EMIT compareChanged();
    if (compare_active_) request_compare();
}

void EditorController::request_compare() {
    if (!compare_active_ || state_.base.empty()) return;
    if (compare_row_ < 0 || compare_row_ >= edits_.rowCount()) {
        set_status(tr("Select an edit to compare"));
        return;
    }
    const EditRow& row = edits_.rows()[size_t(compare_row_)];
    GridRequest r = current_code_request();
    r.edits.erase(r.edits.begin() + compare_row_);  // the grid varies this one
    r.key = compare_job_ = ++generation_;
    r.direction = row.spec.direction;
    r.strengths = strengths_for(row.range);
    for (const auto& [name, range] : model_.presets) {
        r.ranges.push_back(range);
        r.row_labels.push_back(
            QStringLiteral("%1 %2")
                .arg(name, range.first == range.second
                               ? QString::number(range.first)
                               : QStringLiteral("%1-%2").arg(range.first).arg(range.second))
                .toStdString());
    }
    for (double s : r.strengths) r.column_labels.push_back(strength_label(s));
    inference_->worker()->post_grid(r);
    Q_EMIT compareChanged();
    set_status(tr("Rendering the comparison grid of %1…").arg(row.name));
}

void EditorController::on_grid_rendered(quint64 job, const QImage& grid) {
    if (job != compare_job_) return;  // a newer grid is on its way
    compare_job_ = 0;
    compare_image_ = grid;
    Q_EMIT compareChanged();
    if (compare_row_ >= 0 && compare_row_ < edits_.rowCount()) {
        set_status(tr("Comparison grid of %1: layer ranges by strength")
                       .arg(edits_.rows()[size_t(compare_row_)].name));
    }
}

bool EditorController::exportGrid(const QUrl& file) {
    const QString path = local_path(file);
    if (compare_image_.isNull()) {
        report_error(tr("There is no comparison grid yet: open the compare view (Ctrl+G)"));
        return false;
    }
    QSaveFile save(path);  // atomic: written to a temporary file, renamed on commit
    if (!save.open(QIODevice::WriteOnly)) {
        report_error(tr("Cannot write %1: %2").arg(path, save.errorString()));
        return false;
    }
    QImageWriter writer(&save, "png");
    if (!writer.write(compare_image_) || !save.commit()) {
        report_error(tr("Cannot write %1: %2").arg(path, writer.errorString()));
        return false;
    }
    set_status(tr("Exported the grid to %1").arg(QFileInfo(path).fileName()));
    return true;
}

// ---- direction library -------------------------------------------------------------------

QString EditorController::library_folder() const {
    return user_library_ ? QString::fromStdString(user_library_->folder()) : QString();
}

void EditorController::open_library() {
    shipped_.clear();
    user_library_.reset();
    QStringList problems;
    if (ready()) {
        // The manifest: the model's path itself, or a manifest.json beside the model file.
        const QFileInfo model(model_.path);
        const QString manifest = model.suffix() == QLatin1String("json")
                                     ? model.filePath()
                                     : model.dir().filePath(QStringLiteral("manifest.json"));
        if (model.exists() && QFileInfo::exists(manifest)) {
            try {
                shipped_ = edit::read_manifest_directions(manifest.toStdString(), model_.num_ws,
                                                          model_.w_dim);
            } catch (const std::exception& e) {
                problems << QString::fromUtf8(e.what());
            }
        }
        const QString root = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                 .filePath(QStringLiteral("directions"));
        const std::string folder =
            edit::library_folder(root.toStdString(), model_.path.toStdString());
        try {
            user_library_.emplace(folder, model_.num_ws, model_.w_dim);
            for (const auto& p : user_library_->problems()) problems << QString::fromStdString(p);
        } catch (const std::exception& e) {
            problems << QString::fromUtf8(e.what());
        }
    }
    update_library_model();
    Q_EMIT libraryChanged();
    if (!problems.isEmpty()) set_status(tr("Direction library: %1").arg(problems.join("; ")));
}

void EditorController::update_library_model() {
    std::vector<DirectionItem> items;
    auto add = [&](const edit::LibraryEntry& e) {
        DirectionItem d;
        d.name = QString::fromStdString(e.name);
        d.description = QString::fromStdString(e.description);
        d.low_end = QString::fromStdString(e.low_end);
        d.high_end = QString::fromStdString(e.high_end);
        d.direction = e.values;
        d.first_layer = e.first_layer;
        d.last_layer = e.last_layer;
        d.scale = e.scale;
        d.read_only = e.read_only;
        d.rangeLabel = rangeLabel(e.first_layer, e.last_layer);
        d.detail = tr("%1, ±%2%3")
                       .arg(d.rangeLabel)
                       .arg(e.scale, 0, 'g', 3)
                       .arg(e.shape.size() == 2 ? tr(", per layer") : QString());
        items.push_back(std::move(d));
    };
    for (const auto& e : shipped_) add(e);
    if (user_library_) {
        for (const auto& e : user_library_->entries()) add(e);
    }
    library_model_.set_items(std::move(items));
}

bool EditorController::saveToLibrary(int row, const QString& name) {
    if (row < 0 || row >= edits_.rowCount() || !user_library_) return false;
    const EditRow& r = edits_.rows()[size_t(row)];
    edit::LibraryEntry e;
    e.name = (name.trimmed().isEmpty() ? r.name : name.trimmed()).toStdString();
    e.values = r.spec.direction;
    e.shape = int(e.values.size()) == model_.w_dim
                  ? std::vector<int64_t>{model_.w_dim}
                  : std::vector<int64_t>{model_.num_ws, model_.w_dim};
    e.first_layer = r.spec.first_layer;
    e.last_layer = r.spec.last_layer < 0 ? model_.num_ws - 1 : r.spec.last_layer;
    e.scale = r.range;
    try {
        user_library_->add(e);
    } catch (const std::exception& err) {
        report_error(tr("Cannot save to the library: %1").arg(QString::fromUtf8(err.what())));
        return false;
    }
    update_library_model();
    set_status(tr("Saved %1 to the direction library").arg(QString::fromStdString(e.name)));
    return true;
}

void EditorController::addFromLibrary(int index) {
    if (index < 0 || index >= library_model_.rowCount()) return;
    const DirectionItem& d = library_model_.items()[size_t(index)];
    EditRow row;
    row.name = d.name;
    row.spec.direction = d.direction;
    row.spec.first_layer = d.first_layer;
    row.spec.last_layer = d.last_layer;
    row.range = d.scale;
    row.description = d.description;
    row.low_end = d.low_end;
    row.high_end = d.high_end;
    add_edit_row(row, tr("Add %1").arg(readable_name(row.name)));
}

namespace {
// The user library's index of a row of the library list (the manifest's come first).
std::optional<size_t> user_index(int index, size_t shipped, size_t total) {
    if (index < int(shipped) || index >= int(total)) return std::nullopt;
    return size_t(index) - shipped;
}
}  // namespace

bool EditorController::renameLibraryEntry(int index, const QString& name) {
    const auto i = user_index(index, shipped_.size(), size_t(library_model_.rowCount()));
    if (!i || !user_library_) {
        report_error(tr("The model's own directions cannot be renamed"));
        return false;
    }
    try {
        user_library_->rename(*i, name.trimmed().toStdString());
    } catch (const std::exception& e) {
        report_error(tr("Cannot rename: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    update_library_model();
    return true;
}

bool EditorController::removeLibraryEntry(int index) {
    const auto i = user_index(index, shipped_.size(), size_t(library_model_.rowCount()));
    if (!i || !user_library_) {
        report_error(tr("The model's own directions cannot be deleted"));
        return false;
    }
    const QString name = QString::fromStdString(user_library_->entries()[*i].name);
    try {
        user_library_->remove(*i);
    } catch (const std::exception& e) {
        report_error(tr("Cannot delete %1: %2").arg(name, QString::fromUtf8(e.what())));
        return false;
    }
    update_library_model();
    set_status(tr("Deleted %1 from the library").arg(name));
    return true;
}

bool EditorController::exportLibraryEntry(int index, const QUrl& file) {
    if (index < 0 || index >= library_model_.rowCount()) return false;
    const QString path = local_path(file);
    const DirectionItem& d = library_model_.items()[size_t(index)];
    io::NpyArray a;
    a.data = d.direction;
    a.shape = int(a.data.size()) == model_.w_dim
                  ? std::vector<int64_t>{model_.w_dim}
                  : std::vector<int64_t>{model_.num_ws, model_.w_dim};
    try {
        io::write_npy(path.toStdString(), a);  // atomic
    } catch (const std::exception& e) {
        report_error(QString::fromUtf8(e.what()));
        return false;
    }
    set_status(tr("Exported %1 to %2").arg(d.name, QFileInfo(path).fileName()));
    return true;
}

bool EditorController::importLibraryFile(const QUrl& file, const QString& name) {
    if (!user_library_) return false;
    const QString path = local_path(file);
    const QString entry = name.trimmed().isEmpty() ? QFileInfo(path).completeBaseName() : name;
    try {
        user_library_->import_npy(path.toStdString(), entry.toStdString());
    } catch (const std::exception& e) {
        report_error(tr("Cannot import: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    update_library_model();
    set_status(tr("Imported %1 into the direction library").arg(entry));
    return true;
}

}  // namespace ls::ui
