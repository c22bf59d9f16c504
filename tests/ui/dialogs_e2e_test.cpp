// Every dialog of the editor, opened in the real window as a user opens it (shortcuts and
// menus), on the machine's own Qt: a QML module or plugin missing from the install script
// fails here. Then a new user's road through the file dialogs: open a photo by typing its
// name, invert, fill, export to a typed name (relative and absolute), overwrite (asked),
// save the session and open it again.
#include <gtest/gtest.h>
#include <QAbstractButton>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <string>

#include "edit_list_model.h"
#include "editor_controller.h"
#include "ui_test_support.h"

namespace ls::ui {
namespace {

using test::find_item;
using test::wait_for;

// The file dialog on screen, or null.
QFileDialog* shown_file_dialog() {
    for (QWidget* w : QApplication::topLevelWidgets()) {
        if (auto* d = qobject_cast<QFileDialog*>(w); d && d->isVisible()) return d;
    }
    return nullptr;
}

QAbstractButton* accept_button(QFileDialog* d) {
    auto* box = d->findChild<QDialogButtonBox*>(QStringLiteral("buttonBox"));
    if (!box) return nullptr;
    return box->button(d->acceptMode() == QFileDialog::AcceptSave ? QDialogButtonBox::Save
                                                                  : QDialogButtonBox::Open);
}

QLineEdit* name_field(QFileDialog* d) {
    return d->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
}

// Types `name` as a user does (replacing what is selected, or everything with `replace_all`)
// and clicks the dialog's Save or Open button with the mouse.
void type_and_accept(QFileDialog* d, const QString& name, bool replace_all) {
    // A message box nobody expected (a file not found, say) would wait for ever inside the
    // click: fail and close it instead.
    QTimer::singleShot(15000, [] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            ADD_FAILURE() << "unexpected message: " << box->text().toStdString();
            box->reject();
        }
    });
    QLineEdit* field = name_field(d);
    ASSERT_TRUE(field);
    if (replace_all) field->selectAll();
    QTest::keyClicks(field, name);
    QAbstractButton* button = accept_button(d);
    ASSERT_TRUE(button);
    QTest::mouseClick(button, Qt::LeftButton);
}

// Answers the next message box (the overwrite question) with `answer`; `*asked` tells whether
// one came. The box runs its own event loop inside the click, hence the timer.
void answer_next_message_box(QMessageBox::StandardButton answer, bool* asked) {
    QTimer::singleShot(50, [answer, asked] {
        QMessageBox* box = nullptr;
        wait_for(
            [&] {
                box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                return box != nullptr;
            },
            5000);
        if (!box) return;
        *asked = true;
        QTest::mouseClick(box->button(answer), Qt::LeftButton);
    });
}

class DialogWindow : public test::WindowTest {
  protected:
    void SetUp() override {
        test::WindowTest::SetUp();
        window->requestActivate();
        if (!QTest::qWaitForWindowActive(window)) qWarning("the window is not active");
    }
    void TearDown() override {
        if (QFileDialog* d = shown_file_dialog()) d->reject();
        test::WindowTest::TearDown();
    }
    // Presses the shortcut and waits for a file dialog; null when none came.
    QFileDialog* open_with(int key, Qt::KeyboardModifiers mods) {
        QTest::keyClick(window, Qt::Key(key), mods);
        // The first dialog of a process reads the MIME database and the folder: on two busy
        // cores that can take seconds.
        wait_for([] { return shown_file_dialog() != nullptr; }, 30000);
        return shown_file_dialog();
    }
    // Every file dialog of the window starts in `folder` (set on the dialogs themselves: the
    // settings file is shared with tests running beside this one).
    void start_dialogs_in(const QString& folder) {
        int set = 0;
        for (QObject* o : window->findChildren<QObject*>()) {
            if (o->property("folderKey").isValid()) {
                o->setProperty("currentFolder", QUrl::fromLocalFile(folder));
                ++set;
            }
        }
        ASSERT_GE(set, 8) << "the window's file dialogs";
    }
    bool settled() {
        return wait_for([&] {
            return !editor->property("inverting").toBool() &&
                   !editor->property("photoBusy").toBool() &&
                   !editor->property("exporting").toBool() &&
                   editor->property("shownGeneration") == editor->property("requestedGeneration");
        });
    }
    QString status() { return editor->property("status").toString(); }
};

TEST_F(DialogWindow, EveryFileDialogOpensFromItsShortcutWithItsTitleAndButton) {
    struct Case {
        int key;
        Qt::KeyboardModifiers mods;
        QString title;
        bool save;
    };
    const Qt::KeyboardModifiers ctrl = Qt::ControlModifier;
    const Qt::KeyboardModifiers ctrl_shift = Qt::ControlModifier | Qt::ShiftModifier;
    const std::vector<Case> cases = {
        {Qt::Key_O, ctrl_shift, "Open Photo", false},  {Qt::Key_O, ctrl, "Open Session", false},
        {Qt::Key_D, ctrl, "Add Direction", false},     {Qt::Key_M, ctrl, "Open Model", false},
        {Qt::Key_S, ctrl_shift, "Save Session", true}, {Qt::Key_S, ctrl, "Save Session", true},
        {Qt::Key_E, ctrl, "Export Image", true},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.title.toStdString());
        QFileDialog* d = open_with(c.key, c.mods);
        ASSERT_TRUE(d) << "no dialog";
        EXPECT_EQ(d->windowTitle(), c.title);
        EXPECT_EQ(d->acceptMode(), c.save ? QFileDialog::AcceptSave : QFileDialog::AcceptOpen);
        QAbstractButton* button = accept_button(d);
        ASSERT_TRUE(button);
        EXPECT_EQ(button->text().remove('&'), c.save ? "Save" : "Open");
        if (c.save) {
            // The name field has the keyboard, its base name selected (typing replaces it).
            QLineEdit* field = name_field(d);
            ASSERT_TRUE(field);
            EXPECT_TRUE(field->hasFocus());
            EXPECT_FALSE(field->text().isEmpty());
            EXPECT_EQ(field->selectedText(), QFileInfo(field->text()).completeBaseName());
        }
        d->reject();
        ASSERT_TRUE(wait_for([] { return shown_file_dialog() == nullptr; }, 5000));
    }
    // The dialogs with no shortcut of their own: codes, the library's, the model import.
    for (const char* name : {"openCodeDialog", "openZDialog", "exportDirectionDialog",
                             "importDirectionDialog", "importModelFileDialog"}) {
        SCOPED_TRACE(name);
        QObject* chooser = window->findChild<QObject*>(name);
        ASSERT_TRUE(chooser);
        QMetaObject::invokeMethod(chooser, "open");
        ASSERT_TRUE(wait_for([] { return shown_file_dialog() != nullptr; }, 30000));
        EXPECT_FALSE(shown_file_dialog()->windowTitle().isEmpty());
        shown_file_dialog()->reject();
        ASSERT_TRUE(wait_for([] { return shown_file_dialog() == nullptr; }, 5000));
    }
}

TEST_F(DialogWindow, TheModelManagerAndTheClosePromptOpenAndClose) {
    QObject* manager = window->findChild<QObject*>("modelManager");
    ASSERT_TRUE(manager);
    QTest::keyClick(window, Qt::Key_M, Qt::ControlModifier | Qt::ShiftModifier);
    ASSERT_TRUE(wait_for([&] { return manager->property("opened").toBool(); }, 5000));
    QTest::qWait(200);
    screenshot("dialogs-model-manager.png");
    QMetaObject::invokeMethod(manager, "close");
    ASSERT_TRUE(wait_for([&] { return !manager->property("visible").toBool(); }, 5000));

    // A change, then closing the window: the prompt asks, Cancel keeps the window.
    editor->setTruncation(0.5, true);
    ASSERT_TRUE(editor->dirty());
    QObject* prompt = window->findChild<QObject*>("closeDialog");
    ASSERT_TRUE(prompt);
    window->close();
    ASSERT_TRUE(wait_for([&] { return prompt->property("opened").toBool(); }, 5000));
    screenshot("dialogs-close-prompt.png");
    QMetaObject::invokeMethod(prompt, "reject");
    ASSERT_TRUE(wait_for([&] { return !prompt->property("visible").toBool(); }, 5000));
    EXPECT_TRUE(window->isVisible());
}

// An editor that crashed left its autosave (as earlier versions kept it: recovery-previous/):
// the next window asks, and Enter (Yes) restores the work.
TEST_F(DialogWindow, TheRecoveryPromptRestoresTheWorkACrashedEditorLeft) {
    editor->setStrength(0, 2.0, true);
    const QDir data(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
    ASSERT_TRUE(data.mkpath("recovery-previous"));
    ASSERT_TRUE(
        editor->saveSession(QUrl::fromLocalFile(data.filePath("recovery-previous/recovery.json"))))
        << status().toStdString();

    QQmlApplicationEngine next;
    next.addImportPath(QStringLiteral("qrc:/"));
    next.load(QUrl(QStringLiteral("qrc:/LatentStudio/qml/Main.qml")));
    ASSERT_FALSE(next.rootObjects().isEmpty());
    auto* next_window = qobject_cast<QQuickWindow*>(next.rootObjects().first());
    ASSERT_TRUE(next_window);
    auto* next_editor = next_window->findChild<EditorController*>("editor");
    QObject* prompt = next_window->findChild<QObject*>("recoveryDialog");
    ASSERT_TRUE(next_editor && prompt);
    ASSERT_TRUE(wait_for([&] { return prompt->property("opened").toBool(); }, 60000));
    next_window->grabWindow().save(
        QDir(LATENT_STUDIO_SCREENSHOTS).filePath("dialogs-recovery.png"));
    // Answered with the keyboard: Enter is Yes (the prompt blocks the window's shortcuts, so
    // it must take the keys itself).
    next_window->requestActivate();
    ASSERT_TRUE(QTest::qWaitForWindowActive(next_window));
    QTest::keyClick(next_window, Qt::Key_Return);
    ASSERT_TRUE(wait_for([&] { return !prompt->property("visible").toBool(); }, 5000));
    EXPECT_EQ(next_editor->edits()->rows().at(0).spec.strength, 2.0);
    EXPECT_FALSE(next_editor->property("recoveryAvailable").toBool());
    EXPECT_TRUE(next_editor->dirty()) << "restored work is saved nowhere yet";
}

TEST_F(DialogWindow, SaveDialogsTakeRelativeAndAbsoluteNamesAndAskBeforeOverwriting) {
    QTemporaryDir dir, other;
    start_dialogs_in(dir.path());

    // A relative name in the dialog's folder, the filter's extension added.
    QFileDialog* d = open_with(Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
    ASSERT_TRUE(d);
    type_and_accept(d, QStringLiteral("portrait"), false);
    const QString session = QDir(dir.path()).filePath("portrait.json");
    ASSERT_TRUE(wait_for([&] { return QFileInfo::exists(session); }, 10000))
        << status().toStdString();
    EXPECT_FALSE(editor->dirty());
    EXPECT_TRUE(window->title().startsWith("portrait.json")) << window->title().toStdString();

    // An absolute name in another folder: written there, not glued onto the current folder.
    const QString exported = QDir(other.path()).filePath("face.png");
    d = open_with(Qt::Key_E, Qt::ControlModifier);
    ASSERT_TRUE(d);
    type_and_accept(d, exported, true);
    ASSERT_TRUE(wait_for([&] { return QFileInfo::exists(exported); }, 10000))
        << status().toStdString();
    ASSERT_TRUE(settled());
    const QByteArray first = [&] {
        QFile f(exported);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();

    // The same name again: the dialog asks; "No" writes nothing and keeps the dialog open.
    editor->setTruncation(0.3, true);
    ASSERT_TRUE(settled());
    d = open_with(Qt::Key_E, Qt::ControlModifier);
    ASSERT_TRUE(d);
    bool asked = false;
    answer_next_message_box(QMessageBox::No, &asked);
    type_and_accept(d, exported, true);
    EXPECT_TRUE(asked) << "no question before overwriting";
    QTest::qWait(300);
    EXPECT_TRUE(shown_file_dialog()) << "the dialog stays after No";
    QFile unchanged(exported);
    ASSERT_TRUE(unchanged.open(QIODevice::ReadOnly));
    EXPECT_EQ(unchanged.readAll(), first);
    unchanged.close();
    // "Yes" replaces it.
    asked = false;
    answer_next_message_box(QMessageBox::Yes, &asked);
    QTest::mouseClick(accept_button(shown_file_dialog()), Qt::LeftButton);
    EXPECT_TRUE(asked);
    ASSERT_TRUE(wait_for(
        [&] {
            QFile f(exported);
            return f.open(QIODevice::ReadOnly) && f.readAll() != first && !editor->exporting();
        },
        10000))
        << status().toStdString();

    // The JPEG filter gives ".jpg" to a name typed without one.
    d = open_with(Qt::Key_E, Qt::ControlModifier);
    ASSERT_TRUE(d);
    d->selectNameFilter(d->nameFilters().value(1));
    Q_EMIT d->filterSelected(d->nameFilters().value(1));
    type_and_accept(d, QDir(other.path()).filePath("small"), true);
    EXPECT_TRUE(wait_for(
        [&] { return QFileInfo::exists(QDir(other.path()).filePath("small.jpg")); }, 10000))
        << status().toStdString();
    ASSERT_TRUE(settled());
}

TEST_F(DialogWindow, ANewUserOpensAPhotoInvertsFillsExportsSavesAndReopens) {
    QTemporaryDir dir;
    start_dialogs_in(dir.path());
    // A photo: a face-less gradient (the placeholder model draws no faces either).
    QImage photo(120, 90, QImage::Format_RGB888);
    for (int y = 0; y < photo.height(); ++y)
        for (int x = 0; x < photo.width(); ++x) photo.setPixelColor(x, y, QColor(2 * x, 2 * y, 90));
    const QString photo_path = QDir(dir.path()).filePath("holiday.png");
    ASSERT_TRUE(photo.save(photo_path));
    editor->setProperty("invertStepsOverride", 4);

    // Open it by its name, typed into the dialog.
    QFileDialog* d = open_with(Qt::Key_O, Qt::ControlModifier | Qt::ShiftModifier);
    ASSERT_TRUE(d);
    type_and_accept(d, QStringLiteral("holiday.png"), true);
    ASSERT_TRUE(wait_for([&] { return editor->has_photo(); }, 10000)) << status().toStdString();
    ASSERT_TRUE(settled());
    screenshot("dialogs-1-photo.png");

    // Invert (Ctrl+I), paint a mask, fill (Ctrl+Shift+F).
    QTest::keyClick(window, Qt::Key_I, Qt::ControlModifier);
    ASSERT_TRUE(wait_for([&] { return editor->inverting(); }, 5000));
    ASSERT_TRUE(settled()) << status().toStdString();
    ASSERT_EQ(editor->photo_stage(), "edit");
    const int side = editor->resolution();
    QImage mask(side, side, QImage::Format_Grayscale8);
    mask.fill(0);
    QPainter(&mask).fillRect(side / 4, side / 4, side / 2, side / 4, Qt::white);
    editor->setMask(mask, QStringLiteral("Brush"));
    QTest::keyClick(window, Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    ASSERT_TRUE(wait_for([&] { return editor->inverting(); }, 5000));
    ASSERT_TRUE(settled()) << status().toStdString();
    EXPECT_TRUE(editor->has_fill());
    // The fill's result shows, not the red mask over it.
    QQuickItem* canvas = find_item(window->contentItem(), "imageCanvas");
    ASSERT_TRUE(canvas);
    EXPECT_FALSE(canvas->property("maskVisible").toBool());
    screenshot("dialogs-2-filled.png");

    // Export to a typed name, save the session, open it again through the dialogs.
    d = open_with(Qt::Key_E, Qt::ControlModifier);
    ASSERT_TRUE(d);
    EXPECT_EQ(name_field(d)->text(), "holiday-edited.png");
    type_and_accept(d, QString(), false);  // the proposed name as it is
    const QString exported = QDir(dir.path()).filePath("holiday-edited.png");
    ASSERT_TRUE(
        wait_for([&] { return QFileInfo::exists(exported) && !editor->exporting(); }, 20000))
        << status().toStdString();
    EXPECT_EQ(QImage(exported).size(), photo.size()) << "the whole photo is exported";

    d = open_with(Qt::Key_S, Qt::ControlModifier);
    ASSERT_TRUE(d);
    type_and_accept(d, QStringLiteral("holiday"), false);
    const QString session = QDir(dir.path()).filePath("holiday.json");
    ASSERT_TRUE(wait_for([&] { return QFileInfo::exists(session); }, 10000))
        << status().toStdString();
    const QImage shown = editor->view_image();

    editor->closePhoto();
    ASSERT_FALSE(editor->has_photo());
    d = open_with(Qt::Key_O, Qt::ControlModifier);
    ASSERT_TRUE(d);
    type_and_accept(d, session, true);
    ASSERT_TRUE(wait_for([&] { return editor->has_photo(); }, 10000)) << status().toStdString();
    ASSERT_TRUE(settled());
    EXPECT_EQ(editor->photo_stage(), "edit");
    EXPECT_EQ(editor->view_image().convertToFormat(QImage::Format_RGB888),
              shown.convertToFormat(QImage::Format_RGB888))
        << "the reopened session shows what was saved";
    screenshot("dialogs-3-reopened.png");
}

TEST_F(DialogWindow, AMaskBelongsToItsPhotoAndSamplesDoNotEnterAPhoto) {
    QTemporaryDir dir;
    QImage photo(80, 80, QImage::Format_RGB888);
    photo.fill(QColor(120, 90, 60));
    const QString a = QDir(dir.path()).filePath("a.png"), b = QDir(dir.path()).filePath("b.png");
    ASSERT_TRUE(photo.save(a));
    photo.fill(QColor(40, 60, 160));
    ASSERT_TRUE(photo.save(b));
    editor->setProperty("invertStepsOverride", 2);
    editor->openPhoto(QUrl::fromLocalFile(a));
    ASSERT_TRUE(wait_for([&] { return editor->has_photo(); }, 10000));
    editor->invertPhoto();
    ASSERT_TRUE(wait_for([&] { return editor->inverting(); }, 5000));
    ASSERT_TRUE(settled());
    QImage mask(editor->resolution(), editor->resolution(), QImage::Format_Grayscale8);
    mask.fill(255);
    editor->setMask(mask, QStringLiteral("Brush"));
    ASSERT_TRUE(editor->has_mask());

    // R with a photo open: refused with a word, the photo's code stays.
    const QVariant seed = editor->property("seed");
    const QString before = status();
    QTest::keyClick(window, Qt::Key_R);
    QTest::qWait(200);
    EXPECT_TRUE(editor->has_photo());
    EXPECT_EQ(editor->property("seed"), seed);
    EXPECT_NE(status(), before);
    EXPECT_TRUE(status().contains("Close Photo")) << status().toStdString();

    // Another photo: the first one's mask is gone.
    editor->openPhoto(QUrl::fromLocalFile(b));
    ASSERT_TRUE(wait_for([&] { return editor->photo_name() == "b.png"; }, 10000));
    ASSERT_TRUE(settled());
    EXPECT_FALSE(editor->has_mask());

    // Closing the photo (Ctrl+W), then R draws a sample.
    QTest::keyClick(window, Qt::Key_W, Qt::ControlModifier);
    ASSERT_TRUE(wait_for([&] { return !editor->has_photo(); }, 5000));
    QTest::keyClick(window, Qt::Key_R);
    ASSERT_TRUE(wait_for([&] { return editor->property("seed").toInt() >= 0; }, 10000));
}

TEST_F(DialogWindow, ShortcutsStillWorkAfterUsingAControl) {
    // A layer drop-down used with the mouse, then Ctrl+G: the compare view opens, for the
    // row whose drop-down was used, and the banner names it.
    QList<QQuickItem*> combos;
    test::find_items(window->contentItem(), QStringLiteral("presetCombo"), &combos);
    ASSERT_GE(combos.size(), 2);
    QQuickItem* combo = combos[1];
    test::click(window, combo);
    QTest::qWait(300);
    // The drop-down's "Coarse" entry, clicked.
    QQuickItem* coarse = test::find_item_if(window->contentItem(), [](QQuickItem* item) {
        return item->property("text").toString() == "Coarse" &&
               item->property("highlighted").isValid();
    });
    ASSERT_TRUE(coarse) << "the drop-down did not open";
    test::click(window, coarse);
    QTest::qWait(300);
    QQuickItem* list = find_item(window->contentItem(), "editList");
    ASSERT_TRUE(list);
    EXPECT_EQ(list->property("currentIndex").toInt(), 1) << "the row used is the selected one";
    QTest::keyClick(window, Qt::Key_G, Qt::ControlModifier);
    ASSERT_TRUE(wait_for([&] { return editor->compare_active(); }, 5000)) << "Ctrl+G was swallowed";
    EXPECT_EQ(editor->compare_row(), 1);
    QTest::keyClick(window, Qt::Key_G, Qt::ControlModifier);
    ASSERT_TRUE(wait_for([&] { return !editor->compare_active(); }, 5000));

    // A seed typed into the seed box and entered, then R: a random sample.
    QQuickItem* seed_box = find_item(window->contentItem(), "seedBox");
    ASSERT_TRUE(seed_box);
    test::click(window, seed_box);
    QTest::keyClick(window, Qt::Key_A, Qt::ControlModifier);
    for (char c : std::string("1234567")) QTest::keyClick(window, c);
    QTest::keyClick(window, Qt::Key_Return);
    ASSERT_TRUE(wait_for([&] { return editor->property("seed").toInt() == 1234567; }, 10000));
    EXPECT_EQ(seed_box->property("displayText").toString(), "1234567") << "no thousands separator";
    QTest::keyClick(window, Qt::Key_R);
    ASSERT_TRUE(wait_for([&] { return editor->property("seed").toInt() != 1234567; }, 10000))
        << "R was swallowed by the seed box";
}

TEST_F(DialogWindow, MenusShowTheirShortcutsAndFitTheirEntries) {
    const auto by_text = [](QQuickItem* root, const QString& text) {
        return test::find_item_if(
            root, [&](QQuickItem* item) { return item->property("text").toString() == text; });
    };
    QQuickItem* view_menu = by_text(window->contentItem(), QStringLiteral("&View"));
    ASSERT_TRUE(view_menu);
    test::click(window, view_menu);
    QTest::qWait(300);
    screenshot("dialogs-view-menu.png");
    QList<QQuickItem*> labels;
    test::find_items(window->contentItem(), QStringLiteral("shortcutLabel"), &labels);
    QStringList shown;
    for (QQuickItem* l : labels) shown << l->property("text").toString();
    EXPECT_TRUE(shown.contains("Ctrl+G")) << shown.join(", ").toStdString();
    EXPECT_TRUE(shown.contains("Ctrl+0")) << shown.join(", ").toStdString();
    // The longest entry is shown whole: its menu is at least as wide as it wants.
    QQuickItem* compare =
        by_text(window->contentItem(), QStringLiteral("&Compare Layers × Strengths"));
    ASSERT_TRUE(compare);
    EXPECT_GE(compare->width() + 0.5, compare->implicitWidth());
    QTest::keyClick(window, Qt::Key_Escape);
}

}  // namespace
}  // namespace ls::ui
