// What the editor benchmarks share: the editor's window opened as on a first run (Qt's test
// locations, settings and autosaves cleared), once its first image is shown.
#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

#include <memory>

#include "editor_controller.h"

namespace ls::bench {

struct EditorWindow {
    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow* window = nullptr;
    ui::EditorController* editor = nullptr;
};

// Call after the application object exists.
inline EditorWindow open_editor_window() {
    QCoreApplication::setOrganizationName(QStringLiteral("Latent Studio"));
    QCoreApplication::setApplicationName(QStringLiteral("Latent Studio"));
    QStandardPaths::setTestModeEnabled(true);
    QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
    QSettings().clear();
    EditorWindow w;
    w.engine = std::make_unique<QQmlApplicationEngine>();
    w.engine->addImportPath(QStringLiteral("qrc:/"));
    w.engine->load(QUrl(QStringLiteral("qrc:/LatentStudio/qml/Main.qml")));
    w.window = qobject_cast<QQuickWindow*>(w.engine->rootObjects().first());
    w.editor = w.window->findChild<ui::EditorController*>("editor");
    while (!(w.editor->ready() && w.editor->shown_generation() > 0)) QTest::qWait(1);
    return w;
}

}  // namespace ls::bench
