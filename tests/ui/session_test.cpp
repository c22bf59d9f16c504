// The session file: what is saved is what is opened, and bad files change nothing.
#include <gtest/gtest.h>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include "io/npy.h"
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

// A session of version 1, written by hand as that version wrote it: a direction added from a
// file kept the file's length (here 5). It opens as the unit direction with the length moved
// into the strength and the slider's range: direction x strength, the picture, unchanged.
TEST(Session, AVersion1DirectionOfAnyLengthOpensAsTheSamePicture) {
    QTemporaryDir dir;
    const QDir d(dir.path());
    io::NpyArray code;
    code.shape = {1, 4, 3};
    code.data = some_state().base;
    io::write_npy(d.filePath("old.code.npy").toStdString(), code);
    io::write_npy(d.filePath("old.dir0.npy").toStdString(), io::NpyArray{{3}, {3, 4, 0}});
    io::write_npy(d.filePath("old.dir1.npy").toStdString(),
                  io::NpyArray{{4, 3}, {0, 0, 2, 0, 0, 2, 0, 0, 2, 0, 0, 2}});
    QFile json(d.filePath("old.json"));
    ASSERT_TRUE(json.open(QIODevice::WriteOnly));
    json.write(R"({"format": "latent-studio-session", "version": 1,
        "model": {"name": "test", "resolution": 8, "sha256": ""},
        "code": {"file": "old.code.npy", "seed": 7}, "truncation": 1.0,
        "edits": [
          {"name": "age", "direction_file": "old.dir0.npy", "strength": 1.5, "layers": [0, 3],
           "enabled": true, "range": 4},
          {"name": "pair", "direction_file": "old.dir1.npy", "strength": 2, "layers": [0, 3],
           "enabled": true, "range": 10}]})");
    json.close();

    const EditorState s = load_session(json.fileName(), small_model());
    ASSERT_EQ(s.edits.size(), 2u);
    const EditRow& age = s.edits[0];
    EXPECT_NEAR(age.spec.direction[0], 0.6, 1e-7);
    EXPECT_NEAR(age.spec.direction[1], 0.8, 1e-7);
    EXPECT_DOUBLE_EQ(age.spec.strength, 7.5);
    EXPECT_DOUBLE_EQ(age.range, 20);
    // A per-layer direction was and is kept as stored (the command line's rule).
    EXPECT_EQ(s.edits[1].spec.direction[2], 2.0f);
    EXPECT_DOUBLE_EQ(s.edits[1].spec.strength, 2);

    // Saved again, it is version 2 and opens unchanged.
    const QString again = d.filePath("again.json");
    save_session(again, s, small_model());
    const EditorState back = load_session(again, small_model());
    EXPECT_EQ(back.edits[0].spec.direction, age.spec.direction);
    EXPECT_DOUBLE_EQ(back.edits[0].spec.strength, 7.5);
}

// The generator's checksum is kept, so that the editor can tell a session opened with another
// file of the same shape.
TEST(Session, RecordsTheModelsChecksum) {
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath("s.json");
    ModelInfo model = small_model();
    model.sha256 = QString(64, QLatin1Char('a'));
    save_session(path, some_state(), model);
    QString saved = "unset";
    load_session(path, small_model(), nullptr, &saved);
    EXPECT_EQ(saved, model.sha256);
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

TEST(Session, APhotoSessionKeepsThePhotoTheCropTheSettingsAndTheMasks) {
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath("photo.json");
    EditorState s = some_state();
    Alignment a;
    a.quad = {Point2{10.5, 20}, Point2{10.5, 84}, Point2{74.5, 84}, Point2{74.5, 20}};
    a.method = "user";
    s.frame = EditorState::PhotoFrame{a, {}, {}};
    s.mask = QImage(8, 8, QImage::Format_Grayscale8);
    s.mask.fill(0);
    s.mask.scanLine(4)[3] = 255;
    s.fill_mask = s.mask;
    SessionPhoto photo;
    photo.path = "/photos/face.jpg";
    photo.sha256 = QString(64, 'a');
    photo.alignment = a;
    photo.preset = "best";
    photo.wplus = false;
    photo.seed = 7;
    save_session(path, s, small_model(), photo);
    EXPECT_TRUE(QFileInfo::exists(QDir(dir.path()).filePath("photo.mask.png")));
    EXPECT_TRUE(QFileInfo::exists(QDir(dir.path()).filePath("photo.fill.png")));
    std::optional<SessionPhoto> back_photo;
    const EditorState back = load_session(path, small_model(), &back_photo);
    ASSERT_TRUE(back_photo);
    EXPECT_EQ(back_photo->path, photo.path);
    EXPECT_EQ(back_photo->sha256, photo.sha256);
    EXPECT_EQ(back_photo->preset, "best");
    EXPECT_FALSE(back_photo->wplus);
    EXPECT_EQ(back_photo->seed, 7u);
    ASSERT_TRUE(back.frame);
    EXPECT_DOUBLE_EQ(back.frame->alignment.quad[0].x, 10.5);
    EXPECT_DOUBLE_EQ(back.frame->alignment.quad[2].y, 84);
    EXPECT_EQ(back.mask.constScanLine(4)[3], 255);
    EXPECT_EQ(back.mask.constScanLine(4)[4], 0);
    EXPECT_FALSE(back.fill_mask.isNull());

    // A session without a photo says so.
    save_session(path, some_state(), small_model());
    back_photo.reset();
    const EditorState plain = load_session(path, small_model(), &back_photo);
    EXPECT_FALSE(back_photo);
    EXPECT_FALSE(plain.frame);
    EXPECT_TRUE(plain.mask.isNull());
}

}  // namespace
}  // namespace ls::ui
