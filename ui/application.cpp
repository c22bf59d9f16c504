#include "application.h"

#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>

namespace ls::ui {

int run_application(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName("Latent Studio");
    QGuiApplication::setOrganizationName("Latent Studio");
    QGuiApplication::setApplicationVersion("0.1.0");
    QQuickStyle::setStyle("Fusion");
    QQmlApplicationEngine engine;
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.loadFromModule("LatentStudio", "Main");
    return QGuiApplication::exec();
}

}  // namespace ls::ui
