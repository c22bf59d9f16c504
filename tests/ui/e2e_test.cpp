// The real editor window (offscreen): move a slider with the mouse, undo, redo, save a
// session, export a PNG, reopen the session, and check the export against the command line's
// render of the same recipe. Screenshots go to the build folder's screenshots/.
#include <gtest/gtest.h>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <cmath>
#include <fstream>

#include "direction_list_model.h"
#include "edit_list_model.h"
#include "editor_controller.h"
#include "io/npy.h"
#include "ui_test_support.h"

Q_IMPORT_QML_PLUGIN(LatentStudioPlugin)

namespace ls::ui {
namespace {

using test::click;
using test::find_item;
using test::find_items;
using test::wait_for;

// `latent-studio-cli edit` of `code` along `direction` by `strength` on every layer, written
// to `out`: the command line's picture of an editor's recipe. Empty when the command failed.
QImage cli_edit(const QString& code, const QString& direction, double strength,
                const QString& out) {
    const QString cmd = QStringLiteral(
                            "'%1' edit --wplus '%2' --direction '%3' --strength %4 "
                            "--layers all --out '%5' 2>/dev/null")
                            .arg(LATENT_STUDIO_CLI, code, direction)
                            .arg(strength, 0, 'g', 17)
                            .arg(out);
    if (std::system(cmd.toLocal8Bit().constData()) != 0) return {};
    return QImage(out);
}

// The largest difference of one 8-bit channel between two images of the same size.
int max_channel_difference(const QImage& a, const QImage& b) {
    const QImage x = a.convertToFormat(QImage::Format_RGB888);
    const QImage y = b.convertToFormat(QImage::Format_RGB888);
    int most = 0;
    for (int row = 0; row < x.height(); ++row)
        for (int i = 0; i < x.width() * 3; ++i)
            most = std::max(most,
                            std::abs(int(x.constScanLine(row)[i]) - int(y.constScanLine(row)[i])));
    return most;
}

// On the placeholder model: each test starts as a first run (no remembered settings, no
// recovery file).
class EditorWindow : public test::WindowTest {
  protected:
    bool rendered_current() {
        return wait_for([&] {
            return editor->property("shownGeneration") == editor->property("requestedGeneration");
        });
    }
    double strength(int row) { return editor->edits()->rows().at(size_t(row)).spec.strength; }
};

TEST_F(EditorWindow, SliderUndoRedoSessionAndExportMatchTheCommandLine) {
    screenshot("e2e-1-start.png");
    // The first picture is not a change: no "*" in the title, nothing to undo.
    EXPECT_FALSE(editor->property("dirty").toBool());
    EXPECT_FALSE(editor->property("canUndo").toBool());
    EXPECT_FALSE(window->title().contains('*')) << window->title().toStdString();
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
    EXPECT_FALSE(editor->property("canUndo").toBool()) << "the start's sample is no undo step";
    EXPECT_FALSE(editor->property("dirty").toBool());
    editor->redo();
    EXPECT_EQ(strength(0), dragged);
    ASSERT_TRUE(rendered_current());

    QTemporaryDir dir;
    const QString session = QDir(dir.path()).filePath("portrait.json");
    const QString exported = QDir(dir.path()).filePath("export.png");
    ASSERT_TRUE(editor->saveSession(QUrl::fromLocalFile(session)))
        << editor->property("status").toString().toStdString();
    EXPECT_FALSE(editor->property("dirty").toBool());
    ASSERT_TRUE(test::export_and_wait(editor, exported))
        << editor->property("status").toString().toStdString();
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
    const QImage reference = cli_edit(QDir(dir.path()).filePath("portrait.code.npy"),
                                      QDir(dir.path()).filePath("portrait.dir0.npy"), dragged,
                                      QDir(dir.path()).filePath("cli.png"));
    ASSERT_FALSE(reference.isNull()) << "latent-studio-cli edit failed";
    ASSERT_EQ(reference.size(), image.size());
    // The editor reuses cached blocks (equal to a full render within 1e-5): at most one
    // 8-bit level may differ.
    EXPECT_LE(max_channel_difference(image, reference), 1);
}

// Add direction (Ctrl+D) reads a file as the command line does: a vector of any length at the
// same strength gives the command line's picture.
TEST_F(EditorWindow, ADirectionAddedFromAFileGivesTheCommandLinesPicture) {
    QTemporaryDir dir;
    const size_t w_dim = editor->edits()->rows().at(0).spec.direction.size();
    io::NpyArray file;
    file.shape = {1, int64_t(w_dim)};
    for (size_t i = 0; i < w_dim; ++i) file.data.push_back(float(std::sin(1.0 + 3.0 * i)) * 0.9f);
    const QString npy = dir.filePath("boundary.npy");
    io::write_npy(npy.toStdString(), file);

    const int rows = editor->edits()->rowCount();
    editor->addDirection(QUrl::fromLocalFile(npy));
    ASSERT_EQ(editor->edits()->rowCount(), rows + 1)
        << editor->property("status").toString().toStdString();
    double norm = 0;
    for (float v : editor->edits()->rows().back().spec.direction) norm += double(v) * v;
    EXPECT_NEAR(norm, 1.0, 1e-5) << "the direction is unit length, as the command line reads it";
    editor->setStrength(rows, 2.5, true);
    ASSERT_TRUE(rendered_current());

    const QString session = dir.filePath("s.json"), exported = dir.filePath("export.png");
    ASSERT_TRUE(editor->saveSession(QUrl::fromLocalFile(session)));
    ASSERT_TRUE(test::export_and_wait(editor, exported));
    const QImage reference =
        cli_edit(dir.filePath("s.code.npy"), npy, 2.5, dir.filePath("cli.png"));
    ASSERT_FALSE(reference.isNull()) << "latent-studio-cli edit failed";
    const QImage ours(exported);
    ASSERT_EQ(reference.size(), ours.size());
    EXPECT_LE(max_channel_difference(ours, reference), 1);
}

// An export runs in the background: a second one while it is being written is refused with
// a message, the first still completes, and a file that cannot be written is reported
// through the same signal, leaving nothing behind.
TEST_F(EditorWindow, ExportsRunInTheBackgroundOneAtATime) {
    QTemporaryDir dir;
    const QString first = QDir(dir.path()).filePath("first.png");
    QSignalSpy finished(editor, &EditorController::exportFinished);
    QSignalSpy errors(editor, &EditorController::errorOccurred);
    ASSERT_TRUE(editor->exportImage(QUrl::fromLocalFile(first)));
    EXPECT_TRUE(editor->property("exporting").toBool());
    EXPECT_FALSE(editor->exportImage(QUrl::fromLocalFile(dir.filePath("second.png"))));
    ASSERT_EQ(errors.count(), 1);
    EXPECT_TRUE(errors.first().first().toString().contains("first.png"));
    ASSERT_TRUE(wait_for([&] { return finished.count() == 1; }));
    EXPECT_TRUE(finished.first().at(0).toBool());
    EXPECT_EQ(finished.first().at(1).toString(), first);
    EXPECT_FALSE(editor->property("exporting").toBool());
    EXPECT_FALSE(QImage(first).isNull());
    EXPECT_FALSE(QFileInfo::exists(dir.filePath("second.png")));

    const QString nowhere = QDir(dir.path()).filePath("missing/folder/x.png");
    ASSERT_TRUE(editor->exportImage(QUrl::fromLocalFile(nowhere)));
    ASSERT_TRUE(wait_for([&] { return finished.count() == 2; }));
    EXPECT_FALSE(finished.at(1).at(0).toBool());
    ASSERT_EQ(errors.count(), 2);
    EXPECT_TRUE(errors.at(1).first().toString().contains("Cannot write"));
    EXPECT_FALSE(QFileInfo::exists(nowhere));
}

int max_pixel_diff(const QImage& a, const QImage& b) {
    const QImage x = a.convertToFormat(QImage::Format_RGB888);
    const QImage y = b.convertToFormat(QImage::Format_RGB888);
    int diff = 0;
    for (int row = 0; row < x.height(); ++row) {
        for (int i = 0; i < x.width() * 3; ++i) {
            diff = std::max(diff,
                            std::abs(int(x.constScanLine(row)[i]) - int(y.constScanLine(row)[i])));
        }
    }
    return diff;
}

// Issue 5's editor story: discover SeFa directions, name one and add it, restrict it to the
// middle layers, compare layer ranges by strengths, export the grid; the grid equals the
// command line's `grid` of the same code and direction, labels included.
TEST_F(EditorWindow, DiscoverNameRestrictCompareAndExportTheGrid) {
    // On the embedded default model (issue 5's "done when"); the command line that the grid
    // is compared with inherits the environment and uses it too.
    qunsetenv("LATENT_STUDIO_MODEL");
    struct Restore {
        ~Restore() { qputenv("LATENT_STUDIO_MODEL", "placeholder"); }
    } restore;
    editor->loadModel(QUrl());
    ASSERT_TRUE(wait_for(
        [&] {
            return editor->property("modelName").toString() != "Placeholder (untrained)" &&
                   editor->property("ready").toBool() &&
                   editor->property("shownGeneration") == editor->property("requestedGeneration");
        },
        60000))
        << editor->property("status").toString().toStdString();
    const int shipped = editor->library()->rowCount();  // the manifest's directions
    QQuickItem* root = window->contentItem();
    click(window, find_item(root, "discoverTab"));
    QQuickItem* discover = find_item(root, "discoverButton");
    ASSERT_TRUE(discover) << "the Discover tab did not open";
    click(window, discover);
    DirectionListModel* candidates = editor->candidates();
    ASSERT_TRUE(wait_for([&] {
        return candidates->rowCount() >= 3 && !editor->property("discovering").toBool();
    })) << editor->property("status").toString().toStdString();
    // The strips of the visible rows come in from the worker.
    const auto has_strip = [&](int row) {
        return candidates->data(candidates->index(row), DirectionListModel::HasStripRole).toBool();
    };
    ASSERT_TRUE(wait_for([&] { return has_strip(0) && has_strip(2); }));
    const QImage strip =
        candidates->data(candidates->index(0), DirectionListModel::StripRole).value<QImage>();
    EXPECT_EQ(strip.width(), 5 * strip.height()) << "five strengths side by side";
    screenshot("e2e-directions-1-discover.png");

    // Name the third candidate and add it.
    QQuickItem* list = find_item(root, "candidateList");
    ASSERT_TRUE(list);
    // Scrolled into view, as a user would (the spectrum chart sits above the list).
    QMetaObject::invokeMethod(list, "positionViewAtIndex", Q_ARG(int, 2),
                              Q_ARG(int, 2 /*Contain*/));
    QTest::qWait(50);
    QQuickItem* third = nullptr;
    QMetaObject::invokeMethod(list, "itemAtIndex", Q_RETURN_ARG(QQuickItem*, third), Q_ARG(int, 2));
    ASSERT_TRUE(third);
    EXPECT_EQ(third->property("defaultName").toString(), "SeFa 3 (all)");
    click(window, find_item(third, "candidateName"));
    for (char c : std::string("smile")) QTest::keyClick(window, c);
    const int rows_before = editor->edits()->rowCount();
    click(window, find_item(third, "addCandidateButton"));
    ASSERT_EQ(editor->edits()->rowCount(), rows_before + 1);
    const int row = rows_before;
    const EditRow& added = editor->edits()->rows().back();
    EXPECT_EQ(added.name, "smile");
    EXPECT_EQ(added.spec.direction, candidates->items()[2].direction);
    EXPECT_EQ(added.range, 5.0) << "the preview strength is the slider's range";
    EXPECT_TRUE(editor->property("undoText").toString().contains("smile"));

    // Restrict it to the middle layers.
    const QVariantList middle = editor->layerPreset("middle");
    editor->setLayers(row, middle[0].toInt(), middle[1].toInt());
    EXPECT_EQ(editor->edits()->rows().back().spec.first_layer, middle[0].toInt());

    // Compare (Ctrl+G): the new row is the selected one.
    window->requestActivate();
    if (!QTest::qWaitForWindowActive(window)) qWarning("the window is not active");
    QTest::keyClick(window, Qt::Key_G, Qt::ControlModifier);
    ASSERT_TRUE(wait_for([&] { return editor->property("compareActive").toBool(); }, 2000))
        << "Ctrl+G did not open the compare view";
    EXPECT_EQ(editor->property("compareRow").toInt(), row);
    ASSERT_TRUE(wait_for([&] {
        return !editor->property("compareBusy").toBool() &&
               !editor->property("compareImage").value<QImage>().isNull();
    })) << editor->property("status").toString().toStdString();
    // The strips follow the changed image (the old ones stay until the new ones come).
    const auto fresh_strip = [&](int row) {
        return has_strip(row) &&
               !candidates->data(candidates->index(row), DirectionListModel::StripStaleRole)
                    .toBool();
    };
    ASSERT_TRUE(wait_for([&] { return fresh_strip(0) && fresh_strip(1) && fresh_strip(2); }));
    screenshot("e2e-directions-2-compare.png");

    QTemporaryDir dir;
    const QString grid = QDir(dir.path()).filePath("grid.png");
    ASSERT_TRUE(editor->exportGrid(QUrl::fromLocalFile(grid)))
        << editor->property("status").toString().toStdString();
    const QImage ours(grid);
    ASSERT_FALSE(ours.isNull());

    // The same grid from the command line: the session's code and the added direction.
    const QString session = QDir(dir.path()).filePath("s.json");
    ASSERT_TRUE(editor->saveSession(QUrl::fromLocalFile(session)));
    const QString cli_png = QDir(dir.path()).filePath("cli.png");
    const QString cmd =
        QStringLiteral(
            "'%1' grid --wplus '%2' --direction '%3' --ranges all,coarse,middle,fine "
            "--strengths=-5,-2.5,0,2.5,5 --out '%4' 2>/dev/null")
            .arg(LATENT_STUDIO_CLI, QDir(dir.path()).filePath("s.code.npy"),
                 QDir(dir.path()).filePath(QStringLiteral("s.dir%1.npy").arg(row)), cli_png);
    ASSERT_EQ(std::system(cmd.toLocal8Bit().constData()), 0) << cmd.toStdString();
    const QImage reference(cli_png);
    ASSERT_EQ(ours.size(), reference.size());
    // 4 rows (all, coarse, middle, fine) by 5 strengths of cells at the model's resolution,
    // 2 px apart, below the strengths' labels and right of the ranges' labels.
    const int cell = editor->property("resolution").toInt();
    const int top = ours.height() - (4 * (cell + 2) - 2);
    const int left = ours.width() - (5 * (cell + 2) - 2);
    ASSERT_GT(top, 0);
    ASSERT_GT(left, 0);
    // The labels are drawn by the same code: identical.
    EXPECT_EQ(max_pixel_diff(ours.copy(0, 0, ours.width(), top),
                             reference.copy(0, 0, reference.width(), top)),
              0);
    EXPECT_EQ(max_pixel_diff(ours.copy(0, 0, left, ours.height()),
                             reference.copy(0, 0, left, reference.height())),
              0);
    // The cells come from the same renderer, row by row here: at most one 8-bit level apart.
    EXPECT_LE(max_pixel_diff(ours, reference), 1);

    // Keep it in the library: its name, layers and slider range persist for this model.
    ASSERT_TRUE(editor->saveToLibrary(row, "smile (middle)"));
    DirectionListModel* library = editor->library();
    ASSERT_EQ(library->rowCount(), shipped + 1);
    EXPECT_EQ(library->items()[shipped].name, "smile (middle)");
    EXPECT_EQ(library->items()[shipped].first_layer, middle[0].toInt());
    EXPECT_EQ(library->items()[shipped].scale, 5.0);
    EXPECT_TRUE(QFileInfo::exists(
        QDir(editor->property("libraryFolder").toString()).filePath("library.json")));
}

// The library panel's commands: save an edit, import (a wrong shape changes nothing and says
// why), rename, export, delete; the library is there again after the model is reloaded.
TEST_F(EditorWindow, TheDirectionLibraryKeepsNamedDirectionsPerModel) {
    QQuickItem* root = window->contentItem();
    click(window, find_item(root, "libraryTab"));
    DirectionListModel* library = editor->library();
    ASSERT_EQ(library->rowCount(), 0);
    const int w_dim = int(editor->edits()->rows().front().spec.direction.size());
    const int num_ws = editor->property("numLayers").toInt();
    editor->setLayers(1, 4, 7);
    ASSERT_TRUE(editor->saveToLibrary(1, "eyes"));

    QTemporaryDir dir;
    const QString wrong = QDir(dir.path()).filePath("wrong.npy");
    io::write_npy(wrong.toStdString(),
                  {{3, w_dim + 1}, std::vector<float>(size_t(3 * (w_dim + 1)), 1.f)});
    const QString json =
        QDir(editor->property("libraryFolder").toString()).filePath("library.json");
    QFile before_file(json);
    ASSERT_TRUE(before_file.open(QIODevice::ReadOnly));
    const QByteArray before = before_file.readAll();
    EXPECT_FALSE(editor->importLibraryFile(QUrl::fromLocalFile(wrong)));
    EXPECT_TRUE(editor->property("status").toString().contains("has shape [3, "))
        << editor->property("status").toString().toStdString();
    EXPECT_EQ(library->rowCount(), 1);
    QFile after_file(json);
    ASSERT_TRUE(after_file.open(QIODevice::ReadOnly));
    EXPECT_EQ(after_file.readAll(), before);

    const QString per_layer = QDir(dir.path()).filePath("pair.npy");
    io::write_npy(per_layer.toStdString(),
                  {{num_ws, w_dim}, std::vector<float>(size_t(num_ws * w_dim), 0.05f)});
    ASSERT_TRUE(editor->importLibraryFile(QUrl::fromLocalFile(per_layer)));
    ASSERT_EQ(library->rowCount(), 2);
    EXPECT_EQ(library->items()[1].name, "pair");
    EXPECT_TRUE(library->items()[1].detail.contains("per layer"));
    ASSERT_TRUE(editor->renameLibraryEntry(1, "pair difference"));
    const QString exported = QDir(dir.path()).filePath("eyes.npy");
    ASSERT_TRUE(editor->exportLibraryEntry(0, QUrl::fromLocalFile(exported)));
    const io::NpyArray eyes = io::read_npy(exported.toStdString());
    EXPECT_EQ(eyes.shape, (std::vector<int64_t>{w_dim}));
    EXPECT_EQ(eyes.data, editor->edits()->rows()[1].spec.direction);
    QTest::qWait(200);
    screenshot("e2e-library.png");

    // Added to the edits with its name, layers and slider range.
    const int rows = editor->edits()->rowCount();
    editor->addFromLibrary(0);
    ASSERT_EQ(editor->edits()->rowCount(), rows + 1);
    EXPECT_EQ(editor->edits()->rows().back().name, "eyes");
    EXPECT_EQ(editor->edits()->rows().back().spec.first_layer, 4);
    EXPECT_EQ(editor->edits()->rows().back().spec.last_layer, 7);

    ASSERT_TRUE(editor->removeLibraryEntry(0));
    ASSERT_EQ(library->rowCount(), 1);
    editor->loadModel(QUrl());  // the same (placeholder) model again: the library is reread
    ASSERT_TRUE(
        wait_for([&] { return library->rowCount() == 1 && editor->edits()->rowCount() == rows; }));
    EXPECT_EQ(library->items()[0].name, "pair difference");
}

// A model whose folder has a manifest.json: its directions are listed first, read-only.
TEST_F(EditorWindow, TheManifestsDirectionsAreListedReadOnly) {
    QTemporaryDir dir;
    const QString model = QDir(dir.path()).filePath("tiny.pt");
    ASSERT_TRUE(QFile::copy(LATENT_STUDIO_FIXTURES "/stylegan2/rosinality_tiny64.pt", model));
    editor->loadModel(QUrl::fromLocalFile(model));
    ASSERT_TRUE(wait_for([&] { return editor->property("modelName").toString() == "tiny"; }));
    const int w_dim = int(editor->edits()->rows().front().spec.direction.size());
    ASSERT_TRUE(QDir(dir.path()).mkdir("directions"));
    io::write_npy(QDir(dir.path()).filePath("directions/smile.npy").toStdString(),
                  {{1, w_dim}, std::vector<float>(size_t(w_dim), 2.f)});
    QFile manifest(QDir(dir.path()).filePath("manifest.json"));
    ASSERT_TRUE(manifest.open(QIODevice::WriteOnly));
    manifest.write(R"({"name": "tiny", "directions": [{"name": "smile",
        "file": "directions/smile.npy", "layers": [2, 5], "scale": 3.0,
        "description": "the corners of the mouth"}]})");
    manifest.close();
    editor->loadModel(QUrl::fromLocalFile(model));  // read again, now with its manifest
    DirectionListModel* library = editor->library();
    ASSERT_TRUE(wait_for([&] { return library->rowCount() == 1; }))
        << editor->property("status").toString().toStdString();
    const DirectionItem& smile = library->items()[0];
    EXPECT_EQ(smile.name, "smile");
    EXPECT_TRUE(smile.read_only);
    EXPECT_EQ(smile.first_layer, 2);
    EXPECT_EQ(smile.last_layer, 5);
    EXPECT_EQ(smile.scale, 3.0);
    EXPECT_NEAR(smile.direction[0], 1.0 / std::sqrt(double(w_dim)), 1e-6);
    EXPECT_FALSE(editor->renameLibraryEntry(0, "grin"));
    EXPECT_FALSE(editor->removeLibraryEntry(0));
    EXPECT_EQ(library->items()[0].name, "smile");
    editor->addFromLibrary(0);
    EXPECT_EQ(editor->edits()->rows().back().name, "smile");
    EXPECT_EQ(editor->edits()->rows().back().range, 3.0);
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

// Two editors at once: the second is not offered the first one's live autosave; an earlier
// version's crashed session is offered and restored as it was.
TEST_F(EditorWindow, AnEditorBesideIsNotOfferedThisOnesWorkButACrashedOneIsRestored) {
    editor->setStrength(0, 1.5, true);
    editor->setProperty("autosaveSeconds", 1);
    const QDir data(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
    QString autosave;
    ASSERT_TRUE(wait_for(
        [&] {
            for (const QFileInfo& d :
                 QDir(data.filePath("recovery")).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot))
                if (QFileInfo::exists(QDir(d.absoluteFilePath()).filePath("recovery.json")))
                    autosave = QDir(d.absoluteFilePath()).filePath("recovery.json");
            return !autosave.isEmpty();
        },
        10000));
    {
        EditorController beside;
        EXPECT_FALSE(beside.property("recoveryAvailable").toBool());
    }
    EXPECT_TRUE(QFileInfo::exists(autosave)) << "the editor beside deleted this one's autosave";

    // What an earlier version left after a crash: its autosave moved to recovery-previous/.
    const QDir previous(data.filePath("recovery-previous"));
    ASSERT_TRUE(QDir().mkpath(previous.path()));
    for (const QFileInfo& f : QFileInfo(autosave).dir().entryInfoList(QDir::Files)) {
        if (f.fileName() == "lock") continue;
        ASSERT_TRUE(QFile::copy(f.absoluteFilePath(), previous.filePath(f.fileName())));
    }
    EditorController next;
    ASSERT_TRUE(next.property("recoveryAvailable").toBool());
    ASSERT_TRUE(wait_for([&] { return next.property("ready").toBool(); }));
    next.restoreRecovery();
    ASSERT_EQ(next.edits()->rows().size(), editor->edits()->rows().size());
    EXPECT_EQ(next.edits()->rows().at(0).spec.strength, 1.5);
    EXPECT_FALSE(next.property("recoveryAvailable").toBool());
    EXPECT_TRUE(next.property("dirty").toBool()) << "restored work is saved nowhere yet";
}

}  // namespace
}  // namespace ls::ui
