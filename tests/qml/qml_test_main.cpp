// The Qt Quick Test runner for the editor's QML components (one CTest per test file).
#include <QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest>

// The LatentStudio module is linked statically: register it and find it in the resources.
Q_IMPORT_QML_PLUGIN(LatentStudioPlugin)

class Setup : public QObject {
    Q_OBJECT
public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine* engine) { engine->addImportPath(QStringLiteral("qrc:/")); }
};

QUICK_TEST_MAIN_WITH_SETUP(latent_studio_qml, Setup)

#include "qml_test_main.moc"
