// The real editor window (offscreen): move a slider with the mouse, undo, redo, save a
// session, export a PNG, reopen the session, and check the export against the command line's
// render of the same recipe. Screenshots go to the build folder's screenshots/.
#include <gtest/gtest.h>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <fstream>

#include "edit_list_model.h"
#include "editor_controller.h"

Q_IMPORT_QML_PLUGIN(LatentStudioPlugin)

namespace ls::ui {
namespace {

// Delegates of views have visual parents but not always QObject parents: walk the items.
void find_items(QQuickItem* item, const QString& name, QList<QQuickItem*>* out) {
    if (item->objectName() == name && item->isVisible()) out->append(item);
    for (QQuickItem* child : item->childItems()) find_items(child, name, out);
}

template <typename F>
bool wait_for(F done, int ms = 60000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms) QTest::qWait(10);
    return done();
}

class EditorWindow : public ::testing::Test {
  protected:
    void SetUp() override {
        QStandardPaths::setTestModeEnabled(true);  // settings and recovery files in test dirs
        // Each test starts as a first run: no remembered settings, no recovery file from an
        // earlier run (its dialog would take the mouse).
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
        QSettings().clear();
        engine = std::make_unique<QQmlApplicationEngine>();
        engine->addImportPath(QStringLiteral("qrc:/"));
        engine->load(QUrl(QStringLiteral("qrc:/LatentStudio/qml/Main.qml")));
        ASSERT_FALSE(engine->rootObjects().isEmpty());
        window = qobject_cast<QQuickWindow*>(engine->rootObjects().first());
        ASSERT_TRUE(window);
        editor = window->findChild<EditorController*>("editor");
        ASSERT_TRUE(editor);
        ASSERT_TRUE(wait_for([&] {
            return editor->property("ready").toBool() &&
                   editor->property("shownGeneration").toULongLong() > 0 &&
                   editor->property("shownGeneration") == editor->property("requestedGeneration");
        })) << editor->property("status").toString().toStdString();
    }
    void TearDown() override { engine.reset(); }

    void screenshot(const QString& name) {
        QDir().mkpath(LATENT_STUDIO_SCREENSHOTS);
        window->grabWindow().save(QDir(LATENT_STUDIO_SCREENSHOTS).filePath(name));
    }
    bool rendered_current() {
        return wait_for([&] {
            return editor->property("shownGeneration") == editor->property("requestedGeneration");
        });
    }
    double strength(int row) { return editor->edits()->rows().at(size_t(row)).spec.strength; }
    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow* window = nullptr;
    EditorController* editor = nullptr;
};

TEST_F(EditorWindow, SliderUndoRedoSessionAndExportMatchTheCommandLine) {
    screenshot("e2e-1-start.png");
    // Drag the first slider to the right with the mouse.
    QList<QQuickItem*> sliders;
    find_items(window->contentItem(), QStringLiteral("slider"), &sliders);
    ASSERT_FALSE(sliders.isEmpty()) << "no edit rows";
    QQuickItem* slider = sliders.first();
    const QPointF from = slider->mapToScene({slider->width() / 2, slider->height() / 2});
    const QPoint start = from.toPoint(), end = start + QPoint(int(slider->width() * 0.3), 0);
    QTest::mousePress(window, Qt::LeftButton, {}, start);
    for (int i = 1; i <= 10; ++i) QTest::mouseMove(window, start + (end - start) * i / 10, 10);
    QTest::mouseRelease(window, Qt::LeftButton, {}, end);
    ASSERT_TRUE(rendered_current());
    const double dragged = strength(0);
    EXPECT_GT(dragged, 0.5);
    EXPECT_TRUE(editor->property("undoText").toString().startsWith("SeFa 1"))
        << "the drag is one undo step: " << editor->property("undoText").toString().toStdString();
    screenshot("e2e-2-slider.png");

    editor->undo();
    EXPECT_EQ(strength(0), 0.0);
    EXPECT_TRUE(editor->property("undoText").toString().startsWith("Sample"));
    editor->redo();
    EXPECT_EQ(strength(0), dragged);
    ASSERT_TRUE(rendered_current());

    QTemporaryDir dir;
    const QString session = QDir(dir.path()).filePath("portrait.json");
    const QString exported = QDir(dir.path()).filePath("export.png");
    ASSERT_TRUE(editor->saveSession(QUrl::fromLocalFile(session)))
        << editor->property("status").toString().toStdString();
    EXPECT_FALSE(editor->property("dirty").toBool());
    ASSERT_TRUE(editor->exportImage(QUrl::fromLocalFile(exported), 92, true));
    const QImage image(exported);
    ASSERT_FALSE(image.isNull());
    EXPECT_TRUE(image.text("latent-studio-recipe").contains("latent-studio-session"));

    // Change things, then reopen: the session restores the saved state exactly.
    editor->setStrength(0, -3.0, true);
    EXPECT_EQ(strength(0), -3.0);
    ASSERT_TRUE(editor->openSession(QUrl::fromLocalFile(session)));
    EXPECT_EQ(strength(0), dragged);
    ASSERT_TRUE(rendered_current());
    screenshot("e2e-3-reopened.png");

    // The command line renders the same recipe: the code and the direction the session saved.
    const QString cli_png = QDir(dir.path()).filePath("cli.png");
    const QString cmd = QStringLiteral(
                            "'%1' edit --wplus '%2' --direction '%3' --strength %4 "
                            "--layers all --out '%5' 2>/dev/null")
                            .arg(LATENT_STUDIO_CLI, QDir(dir.path()).filePath("portrait.code.npy"),
                                 QDir(dir.path()).filePath("portrait.dir0.npy"))
                            .arg(dragged, 0, 'g', 17)
                            .arg(cli_png);
    ASSERT_EQ(std::system(cmd.toLocal8Bit().constData()), 0) << cmd.toStdString();
    const QImage reference = QImage(cli_png).convertToFormat(QImage::Format_RGB888);
    const QImage ours = image.convertToFormat(QImage::Format_RGB888);
    ASSERT_EQ(reference.size(), ours.size());
    int max_diff = 0;
    for (int y = 0; y < ours.height(); ++y) {
        for (int x = 0; x < ours.width() * 3; ++x) {
            max_diff = std::max(max_diff, std::abs(int(ours.constScanLine(y)[x]) -
                                                   int(reference.constScanLine(y)[x])));
        }
    }
    // The editor reuses cached blocks (equal to a full render within 1e-5): at most one
    // 8-bit level may differ.
    EXPECT_LE(max_diff, 1);
}

TEST_F(EditorWindow, ClosingWithUnsavedChangesAsksFirst) {
    editor->setStrength(0, 2.0, true);
    ASSERT_TRUE(editor->dirty());
    window->close();
    QTest::qWait(100);
    EXPECT_TRUE(window->isVisible()) << "the window closed over unsaved changes";
    QObject* dialog = window->findChild<QObject*>("closeDialog");
    ASSERT_TRUE(dialog);
    EXPECT_TRUE(dialog->property("opened").toBool() || dialog->property("visible").toBool());
}

long resident_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * 4;
}

TEST_F(EditorWindow, AThousandSliderChangesDoNotGrowMemory) {
    long after_50 = 0;
    for (int i = 1; i <= 1000; ++i) {
        editor->setStrength(i % 3, (i % 40) * 0.1, i % 10 == 0);
        ASSERT_TRUE(rendered_current());
        if (i == 50) after_50 = resident_kib();
    }
    const long after_1000 = resident_kib();
    const double growth = double(after_1000 - after_50) / after_50;
    std::printf("{\"rss_kib_after_50\": %ld, \"rss_kib_after_1000\": %ld, \"growth\": %.4f}\n",
                after_50, after_1000, growth);
    EXPECT_LT(growth, 0.05);
}

}  // namespace
}  // namespace ls::ui
