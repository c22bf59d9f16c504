#include "application.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTimer>
#include <QUrl>
#include <QtQml/QQmlExtensionPlugin>

// The QML module is linked statically: register its plugin.
Q_IMPORT_QML_PLUGIN(LatentStudioPlugin)

namespace ls::ui {

int run_application(int argc, char** argv) {
    // A QApplication, not a QGuiApplication: the file dialogs are Qt Widgets' QFileDialog.
    QApplication app(argc, argv);
    QGuiApplication::setApplicationName("Latent Studio");
    QGuiApplication::setOrganizationName("Latent Studio");
    QGuiApplication::setApplicationVersion("0.1.0");

    QCommandLineParser parser;
    parser.setApplicationDescription("Edit photos through the latent space of a GAN.");
    parser.addHelpOption();
    parser.addVersionOption();
    // For tests and screenshots: save the window to a PNG and quit once it has been shown.
    const QCommandLineOption screenshot("screenshot", "Save the window to FILE and quit.", "FILE");
    const QCommandLineOption quit_after("quit-after", "Quit after MS milliseconds.", "MS");
    parser.addOption(screenshot);
    parser.addOption(quit_after);
    parser.process(app);

    QQuickStyle::setStyle("Fusion");
    QQmlApplicationEngine engine;
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    // Qt 6.4 has no loadFromModule: load the module's resource (prefix "/" in 6.4).
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.load(QUrl(QStringLiteral("qrc:/LatentStudio/qml/Main.qml")));
    if (engine.rootObjects().isEmpty()) return 1;

    const int delay = parser.isSet(quit_after) ? parser.value(quit_after).toInt() : 1000;
    if (parser.isSet(screenshot) || parser.isSet(quit_after)) {
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
        const QString path = parser.value(screenshot);
        QTimer::singleShot(delay, &app, [window, path] {
            int code = 0;
            if (!path.isEmpty() && window) code = window->grabWindow().save(path) ? 0 : 2;
            QCoreApplication::exit(code);
        });
    }
    return QGuiApplication::exec();
}

}  // namespace ls::ui
