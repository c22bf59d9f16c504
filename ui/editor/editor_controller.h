// The editor's state and commands, exposed to QML. It owns the inference thread, keeps the
// undo history (every change is an undoable command; a slider drag is one step), saves and
// opens sessions, autosaves to a recovery file and exports images.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUndoStack>
#include <QUrl>
#include <QVariantList>

#include <functional>
#include <memory>
#include <optional>

#include "direction_list_model.h"
#include "edit/direction_library.h"
#include "edit_list_model.h"
#include "editor_state.h"
#include "engine/inference_worker.h"
#include "recovery_store.h"
#include "session_file.h"

namespace ls::ui {

class EditorController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString modelName READ model_name NOTIFY modelChanged)
    // The loaded model's file, or its manifest.json for a model folder ("" for the placeholder).
    Q_PROPERTY(QString modelPath READ model_path NOTIFY modelChanged)
    Q_PROPERTY(int resolution READ resolution NOTIFY modelChanged)
    Q_PROPERTY(int numLayers READ num_layers NOTIFY modelChanged)
    Q_PROPERTY(QString device READ device NOTIFY modelChanged)
    Q_PROPERTY(bool ready READ ready NOTIFY modelChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(double renderMs READ render_ms NOTIFY imageChanged)
    Q_PROPERTY(QImage image READ image NOTIFY imageChanged)
    Q_PROPERTY(QImage original READ original NOTIFY imageChanged)
    Q_PROPERTY(double truncation READ truncation NOTIFY stateChanged)
    Q_PROPERTY(int seed READ seed NOTIFY stateChanged)
    Q_PROPERTY(ls::ui::EditListModel* edits READ edits CONSTANT)
    Q_PROPERTY(bool canUndo READ can_undo NOTIFY historyChanged)
    Q_PROPERTY(bool canRedo READ can_redo NOTIFY historyChanged)
    Q_PROPERTY(QString undoText READ undo_text NOTIFY historyChanged)
    Q_PROPERTY(QString redoText READ redo_text NOTIFY historyChanged)
    Q_PROPERTY(bool dirty READ dirty NOTIFY historyChanged)
    Q_PROPERTY(QUrl sessionUrl READ session_url NOTIFY sessionChanged)
    Q_PROPERTY(bool recoveryAvailable READ recovery_available NOTIFY recoveryChanged)
    Q_PROPERTY(
        int autosaveSeconds READ autosave_seconds WRITE set_autosave_seconds NOTIFY settingsChanged)
    // The attribute classifier's outputs (empty when the model has none) and its scores of the
    // current image and of the original (without edits), scored while scoreAttributes is on
    // (the Attributes chart is showing).
    Q_PROPERTY(QStringList attributeNames READ attribute_names NOTIFY modelChanged)
    Q_PROPERTY(
        bool scoreAttributes READ score_attributes WRITE set_score_attributes NOTIFY scoresChanged)
    Q_PROPERTY(QList<qreal> attributeScores READ attribute_scores NOTIFY scoresChanged)
    Q_PROPERTY(
        QList<qreal> originalAttributeScores READ original_attribute_scores NOTIFY scoresChanged)
    Q_PROPERTY(quint64 requestedGeneration READ requested_generation NOTIFY imageChanged)
    Q_PROPERTY(quint64 shownGeneration READ shown_generation NOTIFY imageChanged)
    // Discovering directions (the Discover panel).
    Q_PROPERTY(ls::ui::DirectionListModel* candidates READ candidates CONSTANT)
    Q_PROPERTY(bool discovering READ discovering NOTIFY discoveryChanged)
    Q_PROPERTY(double discoverProgress READ discover_progress NOTIFY discoveryChanged)
    Q_PROPERTY(QString candidateMethod READ candidate_method NOTIFY discoveryChanged)
    // Every eigenvalue of the last discovery, descending (the spectrum chart).
    Q_PROPERTY(QList<qreal> discoverSpectrum READ discover_spectrum NOTIFY discoveryChanged)
    // Preview strips and added sliders span -s..+s: for SeFa s in units of the direction, for
    // PCA in standard deviations of the component.
    Q_PROPERTY(double previewStrength READ preview_strength WRITE set_preview_strength NOTIFY
                   discoveryChanged)
    // The comparison grid of one edit row: layer ranges (rows) by strengths (columns).
    Q_PROPERTY(
        bool compareActive READ compare_active WRITE set_compare_active NOTIFY compareChanged)
    Q_PROPERTY(int compareRow READ compare_row WRITE set_compare_row NOTIFY compareChanged)
    Q_PROPERTY(QImage compareImage READ compare_image NOTIFY compareChanged)
    Q_PROPERTY(bool hasCompareImage READ has_compare_image NOTIFY compareChanged)
    Q_PROPERTY(bool compareBusy READ compare_busy NOTIFY compareChanged)
    // The model's direction library (its manifest's directions first, read-only).
    Q_PROPERTY(ls::ui::DirectionListModel* library READ library CONSTANT)
    Q_PROPERTY(QString libraryFolder READ library_folder NOTIFY libraryChanged)
    // A photo (editor_photo.cpp): stage "crop" shows the whole photo with the crop box, "edit"
    // the crop with the edit (viewImage); "" without a photo.
    Q_PROPERTY(bool hasPhoto READ has_photo NOTIFY photoChanged)
    Q_PROPERTY(bool photoBusy READ photo_busy NOTIFY photoChanged)
    Q_PROPERTY(QString photoStage READ photo_stage NOTIFY photoChanged)
    Q_PROPERTY(QString photoName READ photo_name NOTIFY photoChanged)
    Q_PROPERTY(QString photoNote READ photo_note NOTIFY photoChanged)
    Q_PROPERTY(QImage photoImage READ photo_image NOTIFY photoChanged)
    Q_PROPERTY(QSize photoSize READ photo_size NOTIFY photoChanged)
    // The crop box's corners (top-left, bottom-left, bottom-right, top-right) in photoImage's
    // pixels (a view of the photo scaled to at most kDisplaySide).
    Q_PROPERTY(QVariantList cropQuad READ crop_quad NOTIFY cropChanged)
    Q_PROPERTY(QImage viewImage READ view_image NOTIFY viewChanged)
    Q_PROPERTY(QImage viewOriginal READ view_original NOTIFY viewChanged)
    Q_PROPERTY(bool inverting READ inverting NOTIFY invertChanged)
    Q_PROPERTY(bool invertIsFill READ invert_is_fill NOTIFY invertChanged)
    Q_PROPERTY(int invertStep READ invert_step NOTIFY invertChanged)
    Q_PROPERTY(int invertSteps READ invert_steps NOTIFY invertChanged)
    Q_PROPERTY(double invertLoss READ invert_loss NOTIFY invertChanged)
    Q_PROPERTY(double invertBestLoss READ invert_best_loss NOTIFY invertChanged)
    // The loss and the best loss of every step of the last inversion (the loss chart).
    Q_PROPERTY(QList<qreal> invertLosses READ invert_losses NOTIFY invertChanged)
    Q_PROPERTY(QList<qreal> invertBestLosses READ invert_best_losses NOTIFY invertChanged)
    Q_PROPERTY(QImage mask READ mask NOTIFY maskChanged)
    Q_PROPERTY(bool hasMask READ has_mask NOTIFY maskChanged)
    Q_PROPERTY(bool hasFill READ has_fill NOTIFY maskChanged)
    // Inversion and export settings, remembered between runs.
    Q_PROPERTY(
        QString invertPreset READ invert_preset WRITE set_invert_preset NOTIFY photoSettingsChanged)
    Q_PROPERTY(
        bool invertWPlus READ invert_wplus WRITE set_invert_wplus NOTIFY photoSettingsChanged)
    Q_PROPERTY(int invertSeed READ invert_seed WRITE set_invert_seed NOTIFY photoSettingsChanged)
    // > 0: this many steps instead of the preset's (tests, quick looks).
    Q_PROPERTY(int invertStepsOverride READ invert_steps_override WRITE set_invert_steps_override
                   NOTIFY photoSettingsChanged)
    Q_PROPERTY(QString pasteMode READ paste_mode WRITE set_paste_mode NOTIFY photoSettingsChanged)
    Q_PROPERTY(bool poisson READ poisson WRITE set_poisson NOTIFY photoSettingsChanged)
    Q_PROPERTY(
        QString yunetModel READ yunet_model WRITE set_yunet_model NOTIFY photoSettingsChanged)
    // An export is being written (on a thread of its own: pasting into a large photo takes
    // seconds).
    Q_PROPERTY(bool exporting READ exporting NOTIFY exportingChanged)

  public:
    explicit EditorController(QObject* parent = nullptr);
    ~EditorController() override;

    Q_INVOKABLE void loadModel(const QUrl& file, const QString& device = QStringLiteral("auto"));
    Q_INVOKABLE void newSample(int seed);
    Q_INVOKABLE void randomSample();
    Q_INVOKABLE void setTruncation(double value, bool final);
    Q_INVOKABLE void setStrength(int row, double value, bool final);
    Q_INVOKABLE void resetStrength(int row);
    Q_INVOKABLE void setEditEnabled(int row, bool enabled);
    Q_INVOKABLE void setLayers(int row, int first, int last);
    Q_INVOKABLE void removeEdit(int row);
    Q_INVOKABLE void addDirection(const QUrl& file);
    // A w [w_dim] or W+ [num_ws, w_dim] code; a file of z_dim values (when z_dim differs from
    // w_dim) is taken as z. openZCode reads it as z in any case.
    Q_INVOKABLE void openCode(const QUrl& file);
    Q_INVOKABLE void openZCode(const QUrl& file);
    Q_INVOKABLE void openFile(const QUrl& file);  // drag and drop: by extension
    Q_INVOKABLE bool saveSession(const QUrl& file);
    Q_INVOKABLE bool openSession(const QUrl& file);
    // Starts writing the current image (a photo: the whole photo with the edit pasted back) in
    // the background; false when it cannot start. exportFinished tells how it went.
    Q_INVOKABLE bool exportImage(const QUrl& file, int jpegQuality = 92, bool embedRecipe = true);
    Q_INVOKABLE void undo() { undo_.undo(); }
    Q_INVOKABLE void redo() { undo_.redo(); }
    Q_INVOKABLE void restoreRecovery();
    Q_INVOKABLE void discardRecovery();
    // Layer presets from the model's resolution: "all", "coarse", "middle", "fine".
    Q_INVOKABLE QVariantList layerPreset(const QString& name) const;
    // "middle" when first..last is a preset of the model, else "layers 4-7".
    Q_INVOKABLE QString rangeLabel(int first, int last) const;

    // Discover panel (editor_directions.cpp): method "sefa" (over layers first..last, -1 for
    // the last) or "pca" (`samples` sampled codes), `count` directions, on the worker.
    Q_INVOKABLE void discover(const QString& method, int first, int last, int count, int samples);
    Q_INVOKABLE void cancelDiscovery();
    Q_INVOKABLE void requestStrip(int candidate);  // renders it when the worker is free
    Q_INVOKABLE void refreshStrips();
    Q_INVOKABLE void addCandidate(int candidate, const QString& name);
    // Compare view.
    Q_INVOKABLE bool exportGrid(const QUrl& file);
    // Direction library.
    Q_INVOKABLE bool saveToLibrary(int row, const QString& name);
    Q_INVOKABLE void addFromLibrary(int index);
    Q_INVOKABLE bool renameLibraryEntry(int index, const QString& name);
    Q_INVOKABLE bool removeLibraryEntry(int index);
    Q_INVOKABLE bool exportLibraryEntry(int index, const QUrl& file);
    Q_INVOKABLE bool importLibraryFile(const QUrl& file, const QString& name = {});
    // Photos (editor_photo.cpp). Reading, detection and cropping run on the worker.
    Q_INVOKABLE void openPhoto(const QUrl& file);
    // Leaves the photo (one undo step): its code stays, as a code of no photo's.
    Q_INVOKABLE void closePhoto();
    Q_INVOKABLE void redetectFace();
    Q_INVOKABLE void centreCrop();
    // The crop box, in photoImage's pixels: moved by (dx, dy), or scaled about its centre so
    // that a corner lies at the distance of (x, y) (its rotation kept).
    Q_INVOKABLE void moveCrop(double dx, double dy);
    Q_INVOKABLE void dragCropCorner(double x, double y);
    Q_INVOKABLE void adjustCrop();  // back to the whole photo and its crop box
    Q_INVOKABLE void backToEdit();  // leaves the crop box as it was inverted
    Q_INVOKABLE void invertPhoto();
    Q_INVOKABLE void fillMask();
    Q_INVOKABLE void cancelJob();  // the running inversion (keeping its best code) or discovery
    // A brush or eraser stroke's result (the crop's size): one undo step.
    Q_INVOKABLE void setMask(const QImage& mask, const QString& what);
    Q_INVOKABLE void clearMask();

    QString model_name() const { return model_.name; }
    QString model_path() const { return model_.note.isEmpty() ? model_.path : QString(); }
    int resolution() const { return model_.resolution; }
    int num_layers() const { return model_.num_ws; }
    QString device() const { return model_.device; }
    bool ready() const { return model_.num_ws > 0; }
    QString status() const { return status_; }
    double render_ms() const { return render_ms_; }
    QImage image() const { return image_; }
    bool exporting() const { return !export_path_.isEmpty(); }
    QImage original() const { return original_; }
    double truncation() const { return state_.truncation; }
    int seed() const { return state_.seed ? static_cast<int>(*state_.seed) : -1; }
    EditListModel* edits() { return &edits_; }
    bool can_undo() const { return undo_.canUndo(); }
    bool can_redo() const { return undo_.canRedo(); }
    QString undo_text() const { return undo_.undoText(); }
    QString redo_text() const { return undo_.redoText(); }
    bool dirty() const { return !undo_.isClean(); }
    QUrl session_url() const { return session_url_; }
    bool recovery_available() const;
    int autosave_seconds() const { return autosave_seconds_; }
    void set_autosave_seconds(int seconds);
    // The newest image asked for: a render, or a sample whose render follows (jobs take their
    // numbers from the same counter but bring no image).
    quint64 requested_generation() const { return requested_render_; }
    quint64 shown_generation() const { return shown_generation_; }
    DirectionListModel* candidates() { return &candidates_; }
    bool discovering() const { return discover_job_ != 0; }
    double discover_progress() const { return discover_progress_; }
    QString candidate_method() const { return candidate_method_; }
    QList<qreal> discover_spectrum() const { return discover_spectrum_; }
    QStringList attribute_names() const { return model_.attributes; }
    bool score_attributes() const { return score_attributes_; }
    void set_score_attributes(bool on);
    QList<qreal> attribute_scores() const { return attribute_scores_; }
    QList<qreal> original_attribute_scores() const { return original_scores_; }
    double preview_strength() const { return preview_strength_; }
    void set_preview_strength(double s);
    bool compare_active() const { return compare_active_; }
    void set_compare_active(bool on);
    int compare_row() const { return compare_row_; }
    void set_compare_row(int row);
    QImage compare_image() const { return compare_image_; }
    bool has_compare_image() const { return !compare_image_.isNull(); }
    bool compare_busy() const { return compare_job_ != 0; }
    DirectionListModel* library() { return &library_model_; }
    QString library_folder() const;
    bool has_photo() const { return photo_ != nullptr; }
    bool photo_busy() const { return photo_job_ != 0; }
    QString photo_stage() const { return photo_ ? photo_stage_ : QString(); }
    QString photo_name() const;
    QString photo_note() const { return photo_note_; }
    QImage photo_image() const { return photo_display_; }
    QSize photo_size() const;
    QVariantList crop_quad() const;
    QImage view_image() const { return view_image_; }
    QImage view_original() const { return view_original_; }
    bool inverting() const { return invert_job_ != 0; }
    bool invert_is_fill() const { return invert_is_fill_; }
    int invert_step() const { return last_step_.step; }
    int invert_steps() const { return last_step_.steps; }
    double invert_loss() const { return last_step_.loss; }
    double invert_best_loss() const { return last_step_.best_loss; }
    QList<qreal> invert_losses() const { return invert_losses_; }
    QList<qreal> invert_best_losses() const { return invert_best_losses_; }
    QImage mask() const { return state_.mask; }
    bool has_mask() const;
    bool has_fill() const { return !state_.fill_mask.isNull(); }
    QString invert_preset() const { return invert_preset_; }
    void set_invert_preset(const QString& name);
    bool invert_wplus() const { return invert_wplus_; }
    void set_invert_wplus(bool on);
    int invert_seed() const { return invert_seed_; }
    void set_invert_seed(int seed);
    int invert_steps_override() const { return invert_steps_override_; }
    void set_invert_steps_override(int steps);
    QString paste_mode() const { return paste_mode_; }
    void set_paste_mode(const QString& mode);
    bool poisson() const { return poisson_; }
    void set_poisson(bool on);
    QString yunet_model() const { return yunet_model_; }
    void set_yunet_model(const QString& path);
    static constexpr int kDisplaySide = 2048;

    // Applies a state as it is (used by the undo commands).
    void apply_state(const EditorState& state, bool base_changed);

  Q_SIGNALS:
    void modelChanged();
    void statusChanged();
    void imageChanged();
    void stateChanged();
    void historyChanged();
    void sessionChanged();
    void recoveryChanged();
    void settingsChanged();
    void errorOccurred(const QString& message);
    void discoveryChanged();
    void compareChanged();
    void libraryChanged();
    void photoChanged();
    void cropChanged();
    void viewChanged();
    void invertChanged();
    void maskChanged();
    void photoSettingsChanged();
    void scoresChanged();
    void exportingChanged();
    void exportFinished(bool ok, const QString& path);

  private:
    void on_model_loaded(const ModelInfo& info);
    void on_sampled(quint64 generation, quint64 seed, const QVector<float>& wplus);
    void on_mapped(quint64 generation, const QVector<float>& wplus);
    void on_rendered(const RenderResult& result);
    void on_failed(quint64 generation, const QString& message);
    void update_scores(const RenderResult& result);
    void push_change(const QString& text, const EditorState& before, const EditorState& after,
                     bool base_changed);
    void request_render(bool with_original);
    void set_status(const QString& text);
    void report_error(const QString& text);
    void autosave();
    QString recipe_json() const;
    // editor_directions.cpp
    void on_discovered(const DiscoverResult& result);
    void on_strip_rendered(quint64 key, const QImage& strip, const QString& error);
    void on_grid_rendered(quint64 job, const QImage& grid);
    GridRequest current_code_request() const;
    void request_compare();
    void open_library();
    void update_library_model();
    void add_edit_row(EditRow row, const QString& undo_text);
    // editor_photo.cpp
    void on_photo_opened(const PhotoResult& result);
    void on_invert_step(const InvertStep& step);
    void on_inverted(const InvertOutcome& outcome);
    void request_photo(const QString& path, const QString& crop_mode,
                       const std::optional<Alignment>& alignment);
    void start_inversion(const QImage& mask);
    void drop_inversion();  // stops the running inversion and ignores its result
    void update_view();
    void close_photo();
    bool photo_failed(quint64 job);
    // The photo's export as a job that another thread can run: it holds copies of its inputs.
    std::function<QImage()> photo_export_job() const;
    void on_export_finished();
    SessionPhoto session_photo() const;
    std::optional<SessionPhoto> session_photo_or_none() const {
        return photo_ ? std::optional<SessionPhoto>(session_photo()) : std::nullopt;
    }
    void restore_session_photo(const SessionPhoto& photo);

    RecoveryStore recovery_;
    std::unique_ptr<InferenceThread> inference_;
    EditListModel edits_;
    QUndoStack undo_;
    EditorState state_;
    ModelInfo model_;
    QImage image_, original_;
    // The running export and the file it writes; its result is an error message ("" for
    // success).
    QFutureWatcher<QString> export_watcher_;
    QString export_path_;
    QString status_;
    QUrl session_url_;
    double render_ms_ = 0.0;
    quint64 generation_ = 0, shown_generation_ = 0, sample_generation_ = 0, requested_render_ = 0;
    QString pending_z_source_;               // the z file being mapped
    std::optional<EditorState> drag_start_;  // the state when a slider drag began
    QTimer autosave_timer_;
    int autosave_seconds_ = 5;
    bool autosave_pending_ = false;

    DirectionListModel candidates_, library_model_;
    QString candidate_method_;
    QList<qreal> discover_spectrum_;
    bool score_attributes_ = false;
    QList<qreal> attribute_scores_, original_scores_;
    quint64 discover_job_ = 0, compare_job_ = 0, strip_generation_ = 0;
    double discover_progress_ = 0.0, preview_strength_ = 5.0;
    std::pair<int, int> candidate_range_{0, -1};
    QString strip_error_;
    QTimer strip_timer_, compare_timer_;  // re-render after the image changed
    bool compare_active_ = false;
    int compare_row_ = -1;
    QImage compare_image_;
    std::vector<edit::LibraryEntry> shipped_;  // from the model's manifest, read-only
    std::optional<edit::DirectionLibrary> user_library_;

    // The photo being edited, read by the worker and shared with it read-only.
    SharedPhoto photo_;
    QString photo_path_, photo_sha256_, photo_note_, photo_stage_;
    QImage photo_display_;
    double display_scale_ = 1.0;      // photoImage pixels per photo pixel
    Alignment box_;                   // the crop box (the next inversion's crop)
    bool restoring_session_ = false;  // the photo is being reopened for a session
    QString restore_warning_;         // "the photo has changed", shown once it is open
    quint64 photo_job_ = 0, invert_job_ = 0;
    bool invert_is_fill_ = false;
    Alignment invert_alignment_;  // of the running inversion
    QImage invert_mask_;          // of the running fill
    InvertStep last_step_;
    QList<qreal> invert_losses_, invert_best_losses_;
    QImage invert_preview_, invert_target_;
    QImage view_image_, view_original_;
    QString invert_preset_ = QStringLiteral("balanced"), paste_mode_ = QStringLiteral("difference");
    QString yunet_model_;
    bool invert_wplus_ = true, poisson_ = false;
    int invert_seed_ = 0, invert_steps_override_ = 0;
};

}  // namespace ls::ui
