// Benchmark (not a test): how long the editor's long jobs take in its real window, on the
// model it starts with (the embedded default model unless LATENT_STUDIO_MODEL says otherwise):
// the compare grid (4 layer ranges x 5 strengths, the same 20 images as `latent-studio-cli
// grid --ranges all,coarse,middle,fine --strengths=-4,-2,0,2,4`) and the Discover panel's
// preview strips (5 candidates x 5 images); then a photo (the model's own first image, saved
// as a PNG) opened, inverted and a painted rectangle filled, each with the balanced preset.
// Prints JSON. With a folder argument the photo and the mask are kept there, for timing the
// same fill from the command line: latent-studio-cli inpaint --image DIR/photo.png
// --mask DIR/mask.png --crop centre --out filled.png
// Run (a real window, as a user has it): xvfb-run -a build/bench/editor_jobs_bench
// or offscreen: QT_QPA_PLATFORM=offscreen build/bench/editor_jobs_bench
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QPainter>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <cstdio>

#include "direction_list_model.h"
#include "editor_controller.h"
#include "editor_window.h"

Q_IMPORT_QML_PLUGIN(LatentStudioPlugin)

namespace {

template <typename F>
double time_until(F done, int limit_ms = 600000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < limit_ms) QTest::qWait(2);
    return t.nsecsElapsed() / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const ls::bench::EditorWindow opened = ls::bench::open_editor_window();
    QQuickWindow* window = opened.window;
    ls::ui::EditorController* editor = opened.editor;
    QTest::qWait(500);

    // The compare grid of the first edit.
    editor->set_compare_row(0);
    editor->setProperty("compareActive", true);
    const double grid_ms =
        time_until([&] { return editor->has_compare_image() && !editor->compare_busy(); });
    editor->setProperty("compareActive", false);
    QTest::qWait(300);

    // Five SeFa candidates and their strips, shown in the Discover tab.
    QObject* tabs = window->findChild<QObject*>("rightTabs");
    if (tabs) tabs->setProperty("currentIndex", 1);
    QElapsedTimer t;
    t.start();
    editor->discover(QStringLiteral("sefa"), 0, -1, 5, 0);
    ls::ui::DirectionListModel* candidates = editor->candidates();
    const double discover_ms =
        time_until([&] { return !editor->discovering() && candidates->rowCount() == 5; });
    double first_strip_ms = 0;
    const double strips_ms = time_until([&] {
                                 int done = 0;
                                 for (const auto& item : candidates->items())
                                     done += item.strip.isNull() ? 0 : 1;
                                 if (done > 0 && first_strip_ms == 0)
                                     first_strip_ms = t.nsecsElapsed() / 1e6;
                                 return done == 5;
                             }) +
                             discover_ms;

    // A photo: the model's image of the first sample, inverted, then a rectangle filled.
    QTemporaryDir temporary;
    const QString folder = argc > 1 ? QString::fromLocal8Bit(argv[1]) : temporary.path();
    QDir().mkpath(folder);
    const QString photo = QDir(folder).filePath("photo.png");
    editor->image().save(photo);
    const auto photo_settled = [&] {
        return !editor->property("photoBusy").toBool() && !editor->property("inverting").toBool();
    };
    editor->openPhoto(QUrl::fromLocalFile(photo));
    time_until([&] { return editor->has_photo() && photo_settled(); });
    editor->invertPhoto();
    const double invert_ms = time_until(
        [&] { return photo_settled() && editor->property("photoStage").toString() == "edit"; });
    QImage mask(editor->image().size(), QImage::Format_Grayscale8);
    mask.fill(0);
    QPainter(&mask).fillRect(mask.width() / 4, mask.height() / 3, mask.width() / 2,
                             mask.height() / 3, Qt::white);
    mask.save(QDir(folder).filePath("mask.png"));
    editor->setMask(mask, QStringLiteral("Brush"));
    editor->fillMask();
    const double fill_ms =
        time_until([&] { return photo_settled() && editor->property("hasFill").toBool(); });

    std::printf(
        "{\n  \"platform\": \"%s\",\n  \"model\": \"%s\",\n  \"resolution\": %d,\n"
        "  \"compare_grid_20_images_ms\": %.0f,\n  \"discover_5_candidates_ms\": %.0f,\n"
        "  \"first_strip_ms\": %.0f,\n  \"all_5_strips_ms\": %.0f,\n"
        "  \"photo_invert_balanced_ms\": %.0f,\n  \"photo_fill_balanced_ms\": %.0f\n}\n",
        QGuiApplication::platformName().toUtf8().constData(),
        editor->model_name().toUtf8().constData(), editor->resolution(), grid_ms, discover_ms,
        first_strip_ms, strips_ms, invert_ms, fill_ms);
    return 0;
}
