// What the editor's tests share: waiting while the event loop runs, and an inference thread
// with a model loaded.
#pragma once

#include <gtest/gtest.h>
#include <QDir>
#include <QElapsedTimer>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <memory>

#include "editor_controller.h"
#include "engine/inference_worker.h"

namespace ls::ui::test {

// Runs the event loop until `done` holds or `ms` pass; returns done().
template <typename F>
bool wait_for(F done, int ms = 60000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms) QTest::qWait(5);
    return done();
}

// Exports the editor's image to `path` and waits until the export has finished; true when
// it was written.
inline bool export_and_wait(EditorController* editor, const QString& path, int quality = 92) {
    QSignalSpy finished(editor, &EditorController::exportFinished);
    if (!editor->exportImage(QUrl::fromLocalFile(path), quality, true)) return false;
    return wait_for([&] { return finished.count() == 1; }) && finished.first().first().toBool();
}

// The rosinality fixture: a small real model with no manifest.
inline const QString kFixtureModel =
    QStringLiteral(LATENT_STUDIO_FIXTURES "/stylegan2/rosinality_tiny64.pt");

// An inference thread that has loaded `model` on the CPU; `info` stays empty (w_dim 0) when
// the load did not finish.
inline std::unique_ptr<InferenceThread> start_worker(ModelInfo* info,
                                                     const QString& model = kFixtureModel) {
    auto thread = std::make_unique<InferenceThread>(std::make_unique<RenderEngine>());
    QSignalSpy loaded(thread->worker(), &InferenceWorker::model_loaded);
    QMetaObject::invokeMethod(thread->worker(), "load_model", Qt::QueuedConnection,
                              Q_ARG(QString, model), Q_ARG(QString, "cpu"));
    if (wait_for([&] { return loaded.count() == 1; })) {
        *info = loaded.first().first().value<ModelInfo>();
    }
    return thread;
}

// The editor's window as on a first run: settings and recovery files cleared (in Qt's test
// locations, so that no recovery dialog takes the mouse), Main.qml loaded. `window` and
// `editor` are null when the window did not load.
struct MainWindow {
    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow* window = nullptr;
    EditorController* editor = nullptr;
};
inline MainWindow open_main_window() {
    QStandardPaths::setTestModeEnabled(true);
    QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
    QSettings().clear();
    MainWindow w;
    w.engine = std::make_unique<QQmlApplicationEngine>();
    w.engine->addImportPath(QStringLiteral("qrc:/"));
    w.engine->load(QUrl(QStringLiteral("qrc:/LatentStudio/qml/Main.qml")));
    if (w.engine->rootObjects().isEmpty()) return w;
    w.window = qobject_cast<QQuickWindow*>(w.engine->rootObjects().first());
    if (w.window) w.editor = w.window->findChild<EditorController*>("editor");
    return w;
}

// A test on the editor's real window, opened as on a first run (open_main_window), on the
// untrained placeholder model or, with `embedded_model`, on the embedded default model. SetUp
// returns once the model is loaded and its first image shown.
class WindowTest : public ::testing::Test {
  protected:
    explicit WindowTest(bool embedded_model = false) : embedded_model_(embedded_model) {}
    void SetUp() override {
        if (embedded_model_) qunsetenv("LATENT_STUDIO_MODEL");
        MainWindow w = open_main_window();
        engine = std::move(w.engine);
        window = w.window;
        editor = w.editor;
        ASSERT_TRUE(window);
        ASSERT_TRUE(editor);
        ASSERT_TRUE(wait_for(
            [&] {
                return editor->property("ready").toBool() &&
                       (!embedded_model_ || editor->property("modelName").toString() !=
                                                QStringLiteral("Placeholder (untrained)")) &&
                       editor->property("shownGeneration").toULongLong() > 0 &&
                       editor->property("shownGeneration") ==
                           editor->property("requestedGeneration");
            },
            120000))
            << editor->property("status").toString().toStdString();
    }
    void TearDown() override {
        engine.reset();
        if (embedded_model_) qputenv("LATENT_STUDIO_MODEL", "placeholder");
    }
    // Saved to the build folder's screenshots/.
    void screenshot(const QString& name) {
        QDir().mkpath(LATENT_STUDIO_SCREENSHOTS);
        window->grabWindow().save(QDir(LATENT_STUDIO_SCREENSHOTS).filePath(name));
    }

    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow* window = nullptr;
    EditorController* editor = nullptr;

  private:
    bool embedded_model_;
};

// Delegates of views have visual parents but not always QObject parents: walk the items.
inline void find_items(QQuickItem* item, const QString& name, QList<QQuickItem*>* out) {
    if (item->objectName() == name && item->isVisible()) out->append(item);
    for (QQuickItem* child : item->childItems()) find_items(child, name, out);
}
// The first visible item under `root` (itself included) for which `wanted` holds, or null:
// for items with no objectName, such as a menu's or a drop-down's entries.
template <typename Predicate>
QQuickItem* find_item_if(QQuickItem* root, Predicate wanted) {
    if (root->isVisible() && wanted(root)) return root;
    for (QQuickItem* child : root->childItems())
        if (QQuickItem* found = find_item_if(child, wanted)) return found;
    return nullptr;
}
// The first visible item called `name` under `root`, or null.
inline QQuickItem* find_item(QQuickItem* root, const QString& name) {
    QList<QQuickItem*> found;
    find_items(root, name, &found);
    return found.isEmpty() ? nullptr : found.first();
}
inline void click(QQuickWindow* window, QQuickItem* item) {
    QTest::mouseClick(window, Qt::LeftButton, {},
                      item->mapToScene({item->width() / 2, item->height() / 2}).toPoint());
}

}  // namespace ls::ui::test
