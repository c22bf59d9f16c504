// The inference worker's photo jobs with a real small model (the rosinality fixture, which has
// no manifest: an FFHQ-framed face model): opening a photo, inverting it step by step with
// previews, cancelling (the best code is kept), and refusing a broken photo.
#include <gtest/gtest.h>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "engine/inference_worker.h"
#include "ui_test_support.h"

namespace ls::ui {
namespace {

using test::wait_for;

class PhotoWorkerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        thread = test::start_worker(&info);
        ASSERT_GT(info.w_dim, 0);
        failed = std::make_unique<QSignalSpy>(thread->worker(), &InferenceWorker::failed);
        // A small photo with no face in it: the centred square.
        QImage image(120, 90, QImage::Format_RGB888);
        image.fill(QColor(40, 90, 160));
        QPainter(&image).fillRect(30, 20, 50, 40, QColor(230, 200, 160));
        photo_path = QDir(dir.path()).filePath("photo.png");
        ASSERT_TRUE(image.save(photo_path));
    }

    PhotoResult open(const QString& path) {
        QSignalSpy opened(thread->worker(), &InferenceWorker::photo_opened);
        PhotoRequest r;
        r.job = 1;
        r.path = path;
        QMetaObject::invokeMethod(thread->worker(), "open_photo", Qt::QueuedConnection,
                                  Q_ARG(ls::ui::PhotoRequest, r));
        if (!wait_for([&] { return opened.count() == 1; })) return {};
        return opened.first().first().value<PhotoResult>();
    }

    InvertRequest inversion(const PhotoResult& photo, quint64 job, int steps) const {
        InvertRequest r;
        r.job = job;
        r.photo = photo.photo;
        r.alignment = photo.alignment;
        r.preset = "fast";
        r.steps = steps;
        r.seed = 3;
        return r;
    }

    // The worker's last error message, for failed expectations.
    std::string last_error() const {
        return failed->isEmpty() ? std::string() : failed->last().at(1).toString().toStdString();
    }

    void invert(const InvertRequest& r) {
        QMetaObject::invokeMethod(thread->worker(), "invert", Qt::QueuedConnection,
                                  Q_ARG(ls::ui::InvertRequest, r));
    }

    QTemporaryDir dir;
    QString photo_path;
    std::unique_ptr<InferenceThread> thread;
    std::unique_ptr<QSignalSpy> failed;
    ModelInfo info;
};

TEST_F(PhotoWorkerTest, APhotoOpensWithTheCentredSquareWhenThereIsNoFace) {
    const PhotoResult result = open(photo_path);
    ASSERT_TRUE(result.photo);
    EXPECT_EQ(result.photo->width, 120);
    EXPECT_EQ(result.photo->height, 90);
    EXPECT_EQ(result.crop.size(), QSize(info.resolution, info.resolution));
    EXPECT_EQ(result.alignment.method, "centre");
    EXPECT_TRUE(result.note.contains("no face")) << result.note.toStdString();
}

TEST_F(PhotoWorkerTest, AnInversionReportsEveryStepWithPreviewsAndEndsWithTheBestCode) {
    const PhotoResult photo = open(photo_path);
    ASSERT_TRUE(photo.photo);
    QSignalSpy steps(thread->worker(), &InferenceWorker::invert_step);
    QSignalSpy done(thread->worker(), &InferenceWorker::inverted);
    InvertRequest r = inversion(photo, 2, 5);
    r.preview_every = 2;
    invert(r);
    ASSERT_TRUE(wait_for([&] { return done.count() == 1 || !failed->isEmpty(); }));
    ASSERT_EQ(done.count(), 1) << last_error();
    ASSERT_EQ(steps.count(), 5);
    int previews = 0;
    for (int i = 0; i < steps.count(); ++i) {
        const auto s = steps.at(i).first().value<InvertStep>();
        EXPECT_EQ(s.step, i + 1);
        EXPECT_EQ(s.steps, 5);
        EXPECT_GE(s.loss, s.best_loss);
        if (!s.preview.isNull()) ++previews;
        EXPECT_EQ(s.target.isNull(), i != 0) << "the crop comes with the first step only";
    }
    EXPECT_EQ(previews, 3);  // steps 1, 2 and 4 (the last one comes with the result)
    const auto out = done.first().first().value<InvertOutcome>();
    EXPECT_FALSE(out.cancelled);
    EXPECT_EQ(out.steps_run, 5);
    EXPECT_EQ(out.wplus.size(), size_t(info.num_ws) * size_t(info.w_dim));
    EXPECT_EQ(out.image.size(), QSize(info.resolution, info.resolution));
    EXPECT_EQ(out.target, photo.crop);

    // Deterministic for a seed: the same request gives the same code.
    r.job = 3;
    invert(r);
    ASSERT_TRUE(wait_for([&] { return done.count() == 2; }));
    EXPECT_EQ(done.last().first().value<InvertOutcome>().wplus, out.wplus);
}

TEST_F(PhotoWorkerTest, CancellingAnInversionKeepsTheBestCodeSoFar) {
    const PhotoResult photo = open(photo_path);
    ASSERT_TRUE(photo.photo);
    QSignalSpy steps(thread->worker(), &InferenceWorker::invert_step);
    QSignalSpy done(thread->worker(), &InferenceWorker::inverted);
    invert(inversion(photo, 5, 100000));
    ASSERT_TRUE(wait_for([&] { return steps.count() >= 2 || !failed->isEmpty(); }));
    ASSERT_GE(steps.count(), 2) << last_error();
    thread->worker()->cancel_inversion(5);
    ASSERT_TRUE(wait_for([&] { return done.count() == 1; }, 10000));
    const auto out = done.first().first().value<InvertOutcome>();
    EXPECT_TRUE(out.cancelled);
    EXPECT_GE(out.steps_run, 2);
    EXPECT_LT(out.steps_run, 100000);
    EXPECT_EQ(out.wplus.size(), size_t(info.num_ws) * size_t(info.w_dim));
    const auto last = steps.last().first().value<InvertStep>();
    EXPECT_LE(out.loss, last.best_loss + 1e-9) << "the best code, not the last one";
}

TEST_F(PhotoWorkerTest, ABrokenPhotoGivesOneReadableLineAndNothingElse) {
    const QString bad = QDir(dir.path()).filePath("broken.jpg");
    QFile file(bad);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("\xff\xd8\xff\xe0 this is not a JPEG");
    file.close();
    QSignalSpy opened(thread->worker(), &InferenceWorker::photo_opened);
    PhotoRequest r;
    r.job = 9;
    r.path = bad;
    QMetaObject::invokeMethod(thread->worker(), "open_photo", Qt::QueuedConnection,
                              Q_ARG(ls::ui::PhotoRequest, r));
    ASSERT_TRUE(wait_for([&] { return failed->count() == 1; }));
    EXPECT_EQ(failed->first().at(0).toULongLong(), 9u);
    const QString message = failed->first().at(1).toString();
    EXPECT_TRUE(message.contains("broken.jpg")) << message.toStdString();
    EXPECT_FALSE(message.contains('\n'));
    QTest::qWait(50);
    EXPECT_EQ(opened.count(), 0);
    // The worker keeps serving.
    EXPECT_TRUE(open(photo_path).photo);
}

}  // namespace
}  // namespace ls::ui
