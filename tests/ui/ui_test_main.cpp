// GoogleTest with a Qt application object, so that queued signals and threads work.
#include <gtest/gtest.h>
#include <QApplication>
#include <QTemporaryDir>

int main(int argc, char** argv) {
    // No display is needed (nor there, in CI): the offscreen platform unless told otherwise.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    // The editor's tests run on the untrained placeholder network (fast, and independent of
    // the model models/ ships), except where a test loads the embedded model itself.
    qputenv("LATENT_STUDIO_MODEL", "placeholder");
    // A home of this process's own: CTest runs the tests in parallel, and the editor keeps its
    // settings, autosaves and dialogs' folders under the home (Qt's test locations included).
    QTemporaryDir home;
    if (home.isValid()) qputenv("HOME", home.path().toLocal8Bit());
    QApplication app(argc, argv);  // the file dialogs are widgets
    QGuiApplication::setOrganizationName(QStringLiteral("Latent Studio"));
    QGuiApplication::setApplicationName(QStringLiteral("Latent Studio"));
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
