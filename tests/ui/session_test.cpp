// The session file: what is saved is what is opened, and bad files change nothing.
#include <gtest/gtest.h>
#include <QDir>
#include <QTemporaryDir>

#include "session_file.h"

namespace ls::ui {
namespace {

ModelInfo small_model() {
    ModelInfo m;
    m.name = "test";
    m.num_ws = 4;
    m.w_dim = 3;
    m.resolution = 8;
    return m;
}

EditorState some_state() {
    EditorState s;
    s.seed = 42;
    s.base = {0.5f, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11.25f};
    s.truncation = 0.7;
    EditRow row;
    row.name = "smile";
    row.spec.direction = {0.6f, 0.8f, 0};
    row.spec.strength = -1.5;
    row.spec.first_layer = 1;
    row.spec.last_layer = 2;
    row.spec.enabled = false;
    s.edits.push_back(row);
    return s;
}

TEST(Session, WhatIsSavedIsWhatOpens) {
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath("portrait.json");
    save_session(path, some_state(), small_model());
    EXPECT_TRUE(QFileInfo::exists(QDir(dir.path()).filePath("portrait.code.npy")));
    const EditorState back = load_session(path, small_model());
    const EditorState s = some_state();
    EXPECT_EQ(back.base, s.base);
    EXPECT_EQ(back.seed, s.seed);
    EXPECT_DOUBLE_EQ(back.truncation, s.truncation);
    ASSERT_EQ(back.edits.size(), 1u);
    EXPECT_EQ(back.edits[0].name, "smile");
    EXPECT_EQ(back.edits[0].spec.direction, s.edits[0].spec.direction);
    EXPECT_DOUBLE_EQ(back.edits[0].spec.strength, -1.5);
    EXPECT_EQ(back.edits[0].spec.first_layer, 1);
    EXPECT_EQ(back.edits[0].spec.last_layer, 2);
    EXPECT_FALSE(back.edits[0].spec.enabled);
}

TEST(Session, ASessionForAnotherModelIsRefused) {
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath("s.json");
    save_session(path, some_state(), small_model());
    ModelInfo other = small_model();
    other.w_dim = 5;
    EXPECT_THROW(load_session(path, other), std::runtime_error);
}

TEST(Session, BrokenFilesAreRefusedWithAMessage) {
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath("broken.json");
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("{ not json");
    f.close();
    EXPECT_THROW(load_session(path, small_model()), std::runtime_error);
    EXPECT_THROW(load_session(QDir(dir.path()).filePath("missing.json"), small_model()),
                 std::runtime_error);
}

TEST(Session, AFailedSaveLeavesTheOldFileAsItWas) {
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath("s.json");
    save_session(path, some_state(), small_model());
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray before = f.readAll();
    f.close();
    EXPECT_THROW(save_session(QDir(dir.path()).filePath("no/such/folder/s.json"), some_state(),
                              small_model()),
                 std::runtime_error);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_EQ(f.readAll(), before);
}

}  // namespace
}  // namespace ls::ui
