// What the editor's tests share: waiting while the event loop runs, and an inference thread
// with a model loaded.
#pragma once

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

// Delegates of views have visual parents but not always QObject parents: walk the items.
inline void find_items(QQuickItem* item, const QString& name, QList<QQuickItem*>* out) {
    if (item->objectName() == name && item->isVisible()) out->append(item);
    for (QQuickItem* child : item->childItems()) find_items(child, name, out);
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
