#include "editor_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QImageWriter>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QUndoCommand>
#include <QtConcurrent/QtConcurrentRun>

#include "edit/direction_select.h"
#include "engine/render_engine.h"
#include "imaging/photo.h"
#include "io/npy.h"
#include "session_file.h"

namespace ls::ui {

namespace {

// One undoable change: the editor's whole state before and after it (the state is small:
// a code and a few directions).
class StateCommand : public QUndoCommand {
  public:
    StateCommand(EditorController* editor, const QString& text, EditorState before,
                 EditorState after, bool base_changed)
        : QUndoCommand(text),
          editor_(editor),
          before_(std::move(before)),
          after_(std::move(after)),
          base_changed_(base_changed) {}
    void undo() override { editor_->apply_state(before_, base_changed_); }
    void redo() override { editor_->apply_state(after_, base_changed_); }

  private:
    EditorController* editor_;
    EditorState before_, after_;
    bool base_changed_;
};

QString local_path(const QUrl& url) {
    return url.isLocalFile() ? url.toLocalFile() : url.toString();
}

// Renders and writes an export; runs on a pool thread, so it touches only its arguments.
// Returns an error message, or "" once the file is in place (written to a temporary file
// renamed over the target: an old file is never left half written).
QString write_export(const std::function<QImage()>& render, const QString& recipe,
                     const QString& path, int jpeg_quality) {
    QImage out;
    try {
        out = render();
    } catch (const std::exception& e) {
        return EditorController::tr("Cannot paste the edit back into the photo: %1")
            .arg(QString::fromUtf8(e.what()));
    }
    if (!recipe.isEmpty()) out.setText(QStringLiteral("latent-studio-recipe"), recipe);
    QSaveFile save(path);
    if (!save.open(QIODevice::WriteOnly))
        return EditorController::tr("Cannot write %1: %2").arg(path, save.errorString());
    const QString suffix = QFileInfo(path).suffix().toLower();
    QImageWriter writer(&save, suffix.toLatin1());
    if (suffix != QLatin1String("png")) writer.setQuality(jpeg_quality);
    if (!writer.write(out) || !save.commit())
        return EditorController::tr("Cannot write %1: %2").arg(path, writer.errorString());
    return {};
}

}  // namespace

EditorController::EditorController(QObject* parent)
    : QObject(parent),
      // The work of an editor that did not end cleanly is claimed here, before this one's
      // first autosave.
      recovery_(QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                    .filePath(QStringLiteral("recovery"))) {
    QSettings settings;
    autosave_seconds_ = settings.value("autosaveSeconds", 5).toInt();
    invert_preset_ = settings.value("invertPreset", invert_preset_).toString();
    invert_wplus_ = settings.value("invertWPlus", true).toBool();
    paste_mode_ = settings.value("pasteMode", paste_mode_).toString();
    poisson_ = settings.value("poisson", false).toBool();
    yunet_model_ = settings.value("yunetModel").toString();
    inference_ = std::make_unique<InferenceThread>(std::make_unique<RenderEngine>());
    InferenceWorker* w = inference_->worker();
    connect(w, &InferenceWorker::model_loaded, this, &EditorController::on_model_loaded);
    connect(w, &InferenceWorker::sampled, this, &EditorController::on_sampled);
    connect(w, &InferenceWorker::mapped, this, &EditorController::on_mapped);
    connect(w, &InferenceWorker::rendered, this, &EditorController::on_rendered);
    connect(w, &InferenceWorker::failed, this, &EditorController::on_failed);
    connect(w, &InferenceWorker::discovered, this, &EditorController::on_discovered);
    connect(w, &InferenceWorker::strip_rendered, this, &EditorController::on_strip_rendered);
    connect(w, &InferenceWorker::grid_rendered, this, &EditorController::on_grid_rendered);
    connect(w, &InferenceWorker::photo_opened, this, &EditorController::on_photo_opened);
    connect(w, &InferenceWorker::invert_step, this, &EditorController::on_invert_step);
    connect(w, &InferenceWorker::inverted, this, &EditorController::on_inverted);
    connect(w, &InferenceWorker::progress, this, [this](quint64 job, double fraction) {
        if (job != discover_job_) return;
        discover_progress_ = fraction;
        Q_EMIT discoveryChanged();
    });
    // After the image changed, the preview strips and the grid follow (once a drag rests).
    strip_timer_.setSingleShot(true);
    strip_timer_.setInterval(300);
    connect(&strip_timer_, &QTimer::timeout, this, [this] {
        if (candidates_.rowCount() > 0) refreshStrips();
    });
    compare_timer_.setSingleShot(true);
    compare_timer_.setInterval(150);
    connect(&compare_timer_, &QTimer::timeout, this, &EditorController::request_compare);
    connect(this, &EditorController::stateChanged, this, [this] {
        strip_timer_.start();
        if (compare_active_) compare_timer_.start();
    });
    connect(&undo_, &QUndoStack::indexChanged, this, [this] {
        Q_EMIT historyChanged();
        autosave_pending_ = true;
    });
    connect(&undo_, &QUndoStack::cleanChanged, this, &EditorController::historyChanged);
    connect(&autosave_timer_, &QTimer::timeout, this, &EditorController::autosave);
    connect(&export_watcher_, &QFutureWatcher<QString>::finished, this,
            &EditorController::on_export_finished);
    autosave_timer_.start(autosave_seconds_ * 1000);
    set_status(tr("Loading the model…"));
    QMetaObject::invokeMethod(w, "load_model", Qt::QueuedConnection,
                              Q_ARG(QString, settings.value("modelPath").toString()),
                              Q_ARG(QString, settings.value("device", "auto").toString()));
}

EditorController::~EditorController() {
    // An export under way is finished, not lost.
    export_watcher_.waitForFinished();
    // The thread stops before the members go; then recovery_ removes this editor's autosave
    // (a clean exit leaves no recovery file behind).
    inference_.reset();
}

void EditorController::loadModel(const QUrl& file, const QString& device) {
    set_status(tr("Loading %1…").arg(file.fileName()));
    QMetaObject::invokeMethod(inference_->worker(), "load_model", Qt::QueuedConnection,
                              Q_ARG(QString, local_path(file)), Q_ARG(QString, device));
}

void EditorController::on_model_loaded(const ModelInfo& info) {
    model_ = info;
    attribute_scores_.clear();
    original_scores_.clear();
    Q_EMIT scoresChanged();
    // A photo's crop and code belong to the model (its resolution and latent space).
    if (photo_) close_photo();
    // The next start opens the same model (the placeholder is what an empty path gives).
    QSettings().setValue("modelPath", info.note.isEmpty() ? info.path : QString());
    undo_.clear();
    state_ = EditorState();
    // Candidates, the grid and the library belong to the model.
    if (discover_job_) cancelDiscovery();
    candidates_.set_items({});
    discover_spectrum_.clear();
    compare_image_ = QImage();
    compare_row_ = -1;
    Q_EMIT compareChanged();
    Q_EMIT discoveryChanged();
    open_library();
    // The directions the model's manifest ships (read by open_library), else its strongest
    // SeFa directions, are there from the start (not an undo step).
    for (const auto& d : shipped_) {
        if (d.shape.size() != 1) continue;  // per-layer ones stay in the library
        EditRow row;
        row.name = QString::fromStdString(d.name);
        row.range = d.scale;
        row.spec.direction = d.values;
        row.spec.first_layer = d.first_layer;
        row.spec.last_layer = d.last_layer;
        row.description = QString::fromStdString(d.description);
        row.low_end = QString::fromStdString(d.low_end);
        row.high_end = QString::fromStdString(d.high_end);
        state_.edits.push_back(row);
    }
    if (state_.edits.empty()) {
        for (const auto& d : info.directions) {
            EditRow row;
            row.name = d.name;
            row.spec.direction = d.direction;
            state_.edits.push_back(row);
        }
    }
    edits_.set_rows(state_.edits);
    Q_EMIT modelChanged();
    set_status(info.note.isEmpty() ? tr("Model %1 loaded").arg(info.name) : info.note);
    newSample(1);
}

void EditorController::newSample(int seed) {
    if (!ready()) return;
    // A sample in place of the photo's code would be composited into the photo: refuse, and
    // say how to leave the photo.
    if (photo_) {
        report_error(
            tr("A photo is open: close it first (File > Close Photo, Ctrl+W) to draw "
               "samples"));
        return;
    }
    requested_render_ = sample_generation_ = ++generation_;  // an image will follow
    QMetaObject::invokeMethod(inference_->worker(), "sample", Qt::QueuedConnection,
                              Q_ARG(quint64, sample_generation_),
                              Q_ARG(quint64, static_cast<quint64>(std::max(seed, 0))));
}

void EditorController::randomSample() {
    newSample(static_cast<int>(QRandomGenerator::global()->bounded(1, 1000000)));
}

void EditorController::on_sampled(quint64 generation, quint64 seed, const QVector<float>& wplus) {
    if (generation != sample_generation_) return;  // a newer sample was asked for
    EditorState after = state_;
    after.seed = seed;
    after.code_source.clear();
    after.base.assign(wplus.begin(), wplus.end());
    if (state_.base.empty() && undo_.count() == 0) {
        // The first picture after start or a model load: nothing changed yet (no "*", no undo).
        apply_state(after, true);
        return;
    }
    push_change(tr("Sample %1").arg(seed), state_, after, true);
}

void EditorController::push_change(const QString& text, const EditorState& before,
                                   const EditorState& after, bool base_changed) {
    undo_.push(new StateCommand(this, text, before, after, base_changed));
}

void EditorController::apply_state(const EditorState& state, bool base_changed) {
    // Rows are replaced when the list itself differs (another session, an added or removed
    // direction); a changed slider only updates its row, so that a drag stays smooth.
    bool rows_differ = state.edits.size() != edits_.rows().size();
    for (size_t i = 0; !rows_differ && i < state.edits.size(); ++i) {
        rows_differ = state.edits[i].name != edits_.rows()[i].name ||
                      state.edits[i].spec.direction != edits_.rows()[i].spec.direction;
    }
    state_ = state;
    if (rows_differ) {
        edits_.set_rows(state.edits);
    } else {
        for (size_t i = 0; i < state.edits.size(); ++i) {
            const auto& r = state.edits[i];
            const auto& cur = edits_.rows()[i];
            if (cur.spec.strength != r.spec.strength) edits_.set_strength(int(i), r.spec.strength);
            if (cur.spec.enabled != r.spec.enabled) edits_.set_enabled(int(i), r.spec.enabled);
            if (cur.spec.first_layer != r.spec.first_layer ||
                cur.spec.last_layer != r.spec.last_layer) {
                edits_.set_layers(int(i), r.spec.first_layer, r.spec.last_layer);
            }
        }
    }
    Q_EMIT stateChanged();
    Q_EMIT maskChanged();
    request_render(base_changed);
    update_view();
}

void EditorController::request_render(bool with_original) {
    if (state_.base.empty()) return;
    RenderRequest r;
    r.generation = requested_render_ = ++generation_;
    r.wplus = state_.base;
    r.truncation = state_.truncation;
    r.edits = edits_.specs();
    r.score_attributes = score_attributes_ && !model_.attributes.isEmpty();
    // The original's scores are kept until the original changes; missing, it is rendered again.
    r.render_original =
        with_original || original_.isNull() || (r.score_attributes && original_scores_.isEmpty());
    inference_->worker()->post(r);
}

void EditorController::set_score_attributes(bool on) {
    if (on == score_attributes_) return;
    score_attributes_ = on;
    Q_EMIT scoresChanged();
    if (on) request_render(false);
}

void EditorController::on_rendered(const RenderResult& result) {
    if (result.generation < shown_generation_) return;  // stale: a newer image is shown
    shown_generation_ = result.generation;
    image_ = result.image;
    if (!result.original.isNull()) original_ = result.original;
    render_ms_ = result.milliseconds;
    Q_EMIT imageChanged();
    update_scores(result);
    update_view();
}

void EditorController::update_scores(const RenderResult& result) {
    const auto to_list = [](const std::vector<float>& v) {
        return QList<qreal>(v.begin(), v.end());
    };
    // A new original without scores makes the old ones wrong: they go until the next scoring.
    if (!result.original.isNull()) original_scores_ = to_list(result.original_scores);
    if (!result.scores.empty()) attribute_scores_ = to_list(result.scores);
    Q_EMIT scoresChanged();
}

void EditorController::on_failed(quint64 generation, const QString& message) {
    if (generation != 0 && generation == discover_job_) {
        discover_job_ = 0;
        Q_EMIT discoveryChanged();
    }
    if (generation != 0 && generation == compare_job_) {
        compare_job_ = 0;
        Q_EMIT compareChanged();
    }
    photo_failed(generation);
    report_error(message);
}

void EditorController::setTruncation(double value, bool final) {
    if (!drag_start_) drag_start_ = state_;
    EditorState next = state_;
    next.truncation = value;
    if (!final) {
        state_ = next;
        Q_EMIT stateChanged();
        request_render(true);
        return;
    }
    const EditorState before = *drag_start_;
    drag_start_.reset();
    if (before.truncation != value)
        push_change(tr("Truncation %1").arg(value, 0, 'f', 2), before, next, true);
}

void EditorController::setStrength(int row, double value, bool final) {
    if (row < 0 || row >= int(state_.edits.size())) return;
    if (!drag_start_) drag_start_ = state_;
    EditorState next = state_;
    next.edits[size_t(row)].spec.strength = value;
    if (!final) {
        // While dragging: render live, record nothing yet.
        state_ = next;
        edits_.set_strength(row, value);
        request_render(false);
        return;
    }
    const EditorState before = *drag_start_;
    drag_start_.reset();
    if (before.edits[size_t(row)].spec.strength == value) return;
    push_change(tr("%1 %2").arg(next.edits[size_t(row)].name).arg(value, 0, 'f', 2), before, next,
                false);
}

void EditorController::resetStrength(int row) {
    setStrength(row, 0.0, true);
}

void EditorController::setEditEnabled(int row, bool enabled) {
    if (row < 0 || row >= int(state_.edits.size())) return;
    EditorState next = state_;
    next.edits[size_t(row)].spec.enabled = enabled;
    push_change(enabled ? tr("Enable %1").arg(next.edits[size_t(row)].name)
                        : tr("Disable %1").arg(next.edits[size_t(row)].name),
                state_, next, false);
}

void EditorController::setLayers(int row, int first, int last) {
    if (row < 0 || row >= int(state_.edits.size())) return;
    EditorState next = state_;
    next.edits[size_t(row)].spec.first_layer = first;
    next.edits[size_t(row)].spec.last_layer = last;
    push_change(tr("Layers of %1").arg(next.edits[size_t(row)].name), state_, next, false);
}

void EditorController::removeEdit(int row) {
    if (row < 0 || row >= int(state_.edits.size())) return;
    EditorState next = state_;
    next.edits.erase(next.edits.begin() + row);
    push_change(tr("Remove %1").arg(state_.edits[size_t(row)].name), state_, next, false);
}

void EditorController::addDirection(const QUrl& file) {
    const QString path = local_path(file);
    try {
        const io::NpyArray a = io::read_npy(path.toStdString());
        const std::string what = "'" + path.toStdString() + "'";
        const QString name = QFileInfo(path).completeBaseName();
        // Read as the command line reads it (edit::select_direction: a single vector at unit
        // length), so that the same file at the same strength gives the same picture. A set
        // of directions ([K, w_dim], [K, num_ws, w_dim]) adds K rows.
        const auto row_of = [&](std::optional<int64_t> index, const QString& row_name) {
            EditRow row;
            row.name = row_name;
            row.spec.direction =
                edit::select_direction(a, index, model_.num_ws, model_.w_dim, what).data;
            return row;
        };
        std::vector<EditRow> rows;
        if (!edit::is_direction_set(a, model_.num_ws)) {
            rows.push_back(row_of(std::nullopt, name));
        } else {
            for (int64_t k = 0; k < a.shape[0]; ++k)
                rows.push_back(row_of(k, QStringLiteral("%1 #%2").arg(name).arg(k)));
        }
        EditorState next = state_;
        for (auto& r : rows) next.edits.push_back(std::move(r));
        push_change(tr("Add %1").arg(QFileInfo(path).fileName()), state_, next, false);
    } catch (const std::exception& e) {
        report_error(QString::fromUtf8(e.what()));
    }
}

void EditorController::openCode(const QUrl& file) {
    const QString path = local_path(file);
    try {
        io::NpyArray a = io::read_npy(path.toStdString());
        const int n = static_cast<int>(a.data.size());
        if (n == model_.z_dim && model_.z_dim != model_.w_dim) {
            openZCode(file);
            return;
        }
        std::vector<float> base;
        if (n == model_.num_ws * model_.w_dim) {
            base = a.data;  // W+
        } else if (n == model_.w_dim) {
            for (int l = 0; l < model_.num_ws; ++l)
                base.insert(base.end(), a.data.begin(), a.data.end());
        } else {
            throw std::runtime_error(
                "'" + path.toStdString() + "' holds " + std::to_string(n) +
                " values; this model takes w [" + std::to_string(model_.w_dim) + "] or W+ [" +
                std::to_string(model_.num_ws) + ", " + std::to_string(model_.w_dim) + "]");
        }
        EditorState next = state_;
        next.base = std::move(base);
        next.seed.reset();
        next.code_source = path;
        push_change(tr("Open %1").arg(QFileInfo(path).fileName()), state_, next, true);
    } catch (const std::exception& e) {
        report_error(QString::fromUtf8(e.what()));
    }
}

void EditorController::openZCode(const QUrl& file) {
    const QString path = local_path(file);
    try {
        const io::NpyArray a = io::read_npy(path.toStdString());
        if (static_cast<int>(a.data.size()) != model_.z_dim) {
            throw std::runtime_error(
                "'" + path.toStdString() + "' holds " + std::to_string(a.data.size()) +
                " values; a z code of this model has " + std::to_string(model_.z_dim));
        }
        requested_render_ = sample_generation_ = ++generation_;  // an image will follow
        pending_z_source_ = path;
        QMetaObject::invokeMethod(
            inference_->worker(), "map_z", Qt::QueuedConnection, Q_ARG(quint64, sample_generation_),
            Q_ARG(QVector<float>, QVector<float>(a.data.begin(), a.data.end())));
    } catch (const std::exception& e) {
        report_error(QString::fromUtf8(e.what()));
    }
}

void EditorController::on_mapped(quint64 generation, const QVector<float>& wplus) {
    if (generation != sample_generation_) return;
    EditorState after = state_;
    after.seed.reset();
    after.code_source = pending_z_source_;
    after.base.assign(wplus.begin(), wplus.end());
    push_change(tr("Open %1").arg(QFileInfo(pending_z_source_).fileName()), state_, after, true);
}

void EditorController::openFile(const QUrl& file) {
    const QString suffix = QFileInfo(file.fileName()).suffix().toLower();
    if (is_photo_path(file.fileName().toStdString())) {
        openPhoto(file);
    } else if (suffix == "json") {
        openSession(file);
    } else if (suffix == "npy") {
        openCode(file);
    } else if (suffix == "pt" || suffix == "pth" || suffix == "pkl" || suffix == "safetensors") {
        loadModel(file);
    } else {
        report_error(
            tr("Latent Studio opens photos (JPEG, PNG, WebP, TIFF, BMP), models (.pt, .pth, "
               ".pkl, .safetensors), codes (.npy) and sessions (.json); '%1' is none of these")
                .arg(file.fileName()));
    }
}

bool EditorController::saveSession(const QUrl& file) {
    const QString path = local_path(file);
    try {
        save_session(path, state_, model_, session_photo_or_none());
    } catch (const std::exception& e) {
        report_error(QString::fromUtf8(e.what()));
        return false;
    }
    session_url_ = file;
    undo_.setClean();
    Q_EMIT sessionChanged();
    set_status(tr("Saved %1").arg(QFileInfo(path).fileName()));
    return true;
}

bool EditorController::openSession(const QUrl& file) {
    try {
        std::optional<SessionPhoto> photo;
        QString saved_model;
        EditorState next = load_session(local_path(file), model_, &photo, &saved_model);
        push_change(tr("Open session %1").arg(file.fileName()), state_, next, true);
        undo_.setClean();
        session_url_ = file;
        Q_EMIT sessionChanged();
        if (!saved_model.isEmpty() && !model_.sha256.isEmpty() && saved_model != model_.sha256) {
            set_status(tr("Opened %1, saved with another file of this model's shape: the code "
                          "may look different here")
                           .arg(file.fileName()));
        } else {
            set_status(tr("Opened %1").arg(file.fileName()));
        }
        // The photo is read again on the worker (its messages follow this one).
        if (photo) {
            restore_session_photo(*photo);
        } else if (photo_) {
            close_photo();
        }
        return true;
    } catch (const std::exception& e) {
        report_error(QString::fromUtf8(e.what()));
        return false;
    }
}

QString EditorController::recipe_json() const {
    return QString::fromUtf8(
        QJsonDocument(session_json(state_, model_, "session", session_photo_or_none()))
            .toJson(QJsonDocument::Compact));
}

bool EditorController::exportImage(const QUrl& file, int jpeg_quality, bool embed_recipe) {
    const QString path = local_path(file);
    if (image_.isNull()) {
        report_error(tr("There is no image to export yet"));
        return false;
    }
    if (exporting()) {
        report_error(tr("%1 is still being exported").arg(QFileInfo(export_path_).fileName()));
        return false;
    }
    // A photo's export is the whole photo with the edit pasted back.
    std::function<QImage()> render =
        photo_ && state_.frame ? photo_export_job() : [image = image_] { return image; };
    const QString recipe = embed_recipe ? recipe_json() : QString();
    export_path_ = path;
    set_status(tr("Exporting %1…").arg(QFileInfo(path).fileName()));
    export_watcher_.setFuture(QtConcurrent::run([render, recipe, path, jpeg_quality] {
        return write_export(render, recipe, path, jpeg_quality);
    }));
    Q_EMIT exportingChanged();
    return true;
}

void EditorController::on_export_finished() {
    const QString error = export_watcher_.result(), path = export_path_;
    export_path_.clear();
    if (error.isEmpty()) {
        set_status(tr("Exported %1").arg(QFileInfo(path).fileName()));
    } else {
        report_error(error);
    }
    Q_EMIT exportingChanged();
    Q_EMIT exportFinished(error.isEmpty(), path);
}

QVariantList EditorController::layerPreset(const QString& name) const {
    // The engine's presets for this model (HiGAN's coarse / middle / fine split).
    for (const auto& [preset, range] : model_.presets) {
        if (preset == name) return {range.first, range.second};
    }
    return {0, std::max(0, model_.num_ws - 1)};
}

void EditorController::set_status(const QString& text) {
    status_ = text;
    Q_EMIT statusChanged();
}

void EditorController::report_error(const QString& text) {
    set_status(text);
    Q_EMIT errorOccurred(text);
}

void EditorController::set_autosave_seconds(int seconds) {
    autosave_seconds_ = std::max(1, seconds);
    QSettings().setValue("autosaveSeconds", autosave_seconds_);
    autosave_timer_.start(autosave_seconds_ * 1000);
    Q_EMIT settingsChanged();
}

bool EditorController::recovery_available() const {
    return !recovery_.orphan_path().isEmpty();
}

void EditorController::autosave() {
    if (!autosave_pending_ || !dirty() || state_.base.empty()) return;
    autosave_pending_ = false;
    QDir().mkpath(QFileInfo(recovery_.autosave_path()).absolutePath());
    try {
        save_session(recovery_.autosave_path(), state_, model_, session_photo_or_none());
    } catch (const std::exception& e) {
        set_status(tr("Autosave failed: %1").arg(QString::fromUtf8(e.what())));
    }
}

void EditorController::restoreRecovery() {
    if (openSession(QUrl::fromLocalFile(recovery_.orphan_path()))) {
        session_url_.clear();
        undo_.resetClean();  // restored work is not saved anywhere yet
        Q_EMIT sessionChanged();
        set_status(tr("Restored the unsaved work of the last session"));
        discardRecovery();
    }
}

void EditorController::discardRecovery() {
    recovery_.discard_orphan();
    Q_EMIT recoveryChanged();
}

}  // namespace ls::ui
