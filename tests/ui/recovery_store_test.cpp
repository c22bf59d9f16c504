// The editor's autosaves: each running editor's own, never offered to or deleted by another
// editor running beside it; the work of a crashed editor (a process killed for real) offered to
// the next one, once at a time, until restored or declined; earlier versions' files offered.
#include <gtest/gtest.h>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <memory>

#include "recovery_store.h"
#include "ui_test_support.h"

namespace ls::ui {
namespace {

void write(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(text);
}

QByteArray read(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Not a test of its own: the editor that crashes, run in a child process by the test below.
// It autosaves `text` into the store at LS_RECOVERY_ROOT, says so, and waits to be killed.
TEST(RecoveryStore, DISABLED_AnEditorThatWillBeKilled) {
    RecoveryStore store(qEnvironmentVariable("LS_RECOVERY_ROOT"));
    write(store.autosave_path(), qgetenv("LS_RECOVERY_TEXT"));
    std::printf("autosaved\n");
    std::fflush(stdout);
    QThread::sleep(600);
}

// Starts the crashing editor, waits for its autosave, kills it (SIGKILL: no clean-up runs).
void crash_an_editor(const QString& root, const QByteArray& text) {
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("LS_RECOVERY_ROOT", root);
    env.insert("LS_RECOVERY_TEXT", QString::fromUtf8(text));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(),
                {"--gtest_also_run_disabled_tests",
                 "--gtest_filter=RecoveryStore.DISABLED_AnEditorThatWillBeKilled"});
    ASSERT_TRUE(child.waitForStarted());
    QByteArray said;
    ASSERT_TRUE(test::wait_for(
        [&] {
            said += child.readAllStandardOutput();
            return said.contains("autosaved");
        },
        60000));
    child.kill();
    ASSERT_TRUE(child.waitForFinished());
}

TEST(RecoveryStore, AnEditorRunningBesideNeitherOffersNorDeletesTheOthersWork) {
    QTemporaryDir dir;
    const QString root = dir.filePath("recovery");
    auto first = std::make_unique<RecoveryStore>(root);
    write(first->autosave_path(), "first");
    {
        RecoveryStore second(root);
        EXPECT_TRUE(second.orphan_path().isEmpty());
        EXPECT_NE(second.autosave_path(), first->autosave_path());
        write(second.autosave_path(), "second");
    }
    EXPECT_EQ(read(first->autosave_path()), "first");
    // A clean exit leaves nothing to offer.
    first.reset();
    EXPECT_TRUE(RecoveryStore(root).orphan_path().isEmpty());
}

TEST(RecoveryStore, ACrashedEditorsWorkIsOfferedToOneEditorUntilRestoredOrDeclined) {
    QTemporaryDir dir;
    const QString root = dir.filePath("recovery");
    crash_an_editor(root, "unsaved work");

    auto next = std::make_unique<RecoveryStore>(root);
    ASSERT_FALSE(next->orphan_path().isEmpty());
    EXPECT_EQ(read(next->orphan_path()), "unsaved work");
    // A third editor, started while the second holds the offer, is not offered it too.
    EXPECT_TRUE(RecoveryStore(root).orphan_path().isEmpty());
    // Neither restored nor declined (the second editor closed): offered again.
    next.reset();
    next = std::make_unique<RecoveryStore>(root);
    ASSERT_FALSE(next->orphan_path().isEmpty());
    EXPECT_EQ(read(next->orphan_path()), "unsaved work");
    const QString path = next->orphan_path();
    next->discard_orphan();
    EXPECT_TRUE(next->orphan_path().isEmpty());
    EXPECT_FALSE(QFileInfo::exists(path));
    next.reset();
    EXPECT_TRUE(RecoveryStore(root).orphan_path().isEmpty());
}

TEST(RecoveryStore, EarlierVersionsFilesAreOfferedWithTheirSideFiles) {
    QTemporaryDir dir;
    const QString root = dir.filePath("recovery");
    // Earlier versions autosaved to recovery/recovery.json and moved a crashed one to
    // recovery-previous/.
    write(QDir(root).filePath("recovery.json"), "crashed last");
    write(QDir(root).filePath("recovery.code.npy"), "its code");
    write(dir.filePath("recovery-previous/recovery.json"), "crashed before");
    QFile older(dir.filePath("recovery-previous/recovery.json"));
    ASSERT_TRUE(older.open(QIODevice::ReadWrite));
    older.setFileTime(QDateTime::currentDateTime().addSecs(-3600),
                      QFileDevice::FileModificationTime);
    older.close();

    RecoveryStore store(root);
    ASSERT_FALSE(store.orphan_path().isEmpty());
    EXPECT_EQ(read(store.orphan_path()), "crashed last");
    EXPECT_EQ(read(QFileInfo(store.orphan_path()).dir().filePath("recovery.code.npy")), "its code");
    store.discard_orphan();
    RecoveryStore after(root);
    EXPECT_EQ(read(after.orphan_path()), "crashed before");
    EXPECT_FALSE(QFileInfo::exists(dir.filePath("recovery-previous")));
}

}  // namespace
}  // namespace ls::ui
