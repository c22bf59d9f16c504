// The inference worker with a real small model (the rosinality fixture).
#include <gtest/gtest.h>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include "engine/inference_worker.h"
#include "io/npy.h"

namespace ls::ui {
namespace {

const QString kModel = QStringLiteral(LATENT_STUDIO_FIXTURES "/stylegan2/rosinality_tiny64.pt");

// Waits (running the event loop) until `done` holds or `ms` pass.
template <typename F>
bool wait_for(F done, int ms = 60000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms) QTest::qWait(5);
    return done();
}

class WorkerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        thread = std::make_unique<InferenceThread>(std::make_unique<RenderEngine>());
        QSignalSpy loaded(thread->worker(), &InferenceWorker::model_loaded);
        QMetaObject::invokeMethod(thread->worker(), "load_model", Qt::QueuedConnection,
                                  Q_ARG(QString, kModel), Q_ARG(QString, "cpu"));
        ASSERT_TRUE(wait_for([&] { return loaded.count() == 1; }));
        info = loaded.first().first().value<ModelInfo>();
        QSignalSpy sampled(thread->worker(), &InferenceWorker::sampled);
        QMetaObject::invokeMethod(thread->worker(), "sample", Qt::QueuedConnection,
                                  Q_ARG(quint64, 1), Q_ARG(quint64, 7));
        ASSERT_TRUE(wait_for([&] { return sampled.count() == 1; }));
        const auto w = sampled.first().at(2).value<QVector<float>>();
        code.assign(w.begin(), w.end());
    }
    RenderRequest request(uint64_t generation, double strength) const {
        RenderRequest r;
        r.generation = generation;
        r.wplus = code;
        EditSpec e;
        e.direction.assign(static_cast<size_t>(info.w_dim), 0.1f);
        e.strength = strength;
        r.edits.push_back(e);
        return r;
    }
    std::unique_ptr<InferenceThread> thread;
    ModelInfo info;
    std::vector<float> code;
};

TEST_F(WorkerTest, ABurstOfRequestsRendersAFewFramesEndingWithTheLast) {
    QSignalSpy rendered(thread->worker(), &InferenceWorker::rendered);
    for (uint64_t g = 1; g <= 200; ++g) thread->worker()->post(request(g, g * 0.01));
    ASSERT_TRUE(wait_for([&] {
        return rendered.count() > 0 &&
               rendered.last().first().value<RenderResult>().generation == 200;
    }));
    QTest::qWait(100);  // nothing else is still coming
    EXPECT_LE(rendered.count(), 5) << "the burst was not collapsed";
    uint64_t previous = 0;
    for (const auto& args : rendered) {
        const auto r = args.first().value<RenderResult>();
        EXPECT_GT(r.generation, previous);
        previous = r.generation;
    }
    EXPECT_EQ(rendered.last().first().value<RenderResult>().image.width(), info.resolution);
}

TEST_F(WorkerTest, TheLastImageIsTheRenderOfTheLastRequest) {
    QSignalSpy rendered(thread->worker(), &InferenceWorker::rendered);
    for (uint64_t g = 1; g <= 50; ++g) thread->worker()->post(request(g, g * 0.1));
    ASSERT_TRUE(wait_for([&] {
        return rendered.count() > 0 &&
               rendered.last().first().value<RenderResult>().generation == 50;
    }));
    const QImage burst_last = rendered.last().first().value<RenderResult>().image;
    rendered.clear();
    thread->worker()->post(request(51, 50 * 0.1));  // the same state as request 50, alone
    ASSERT_TRUE(wait_for([&] { return rendered.count() == 1; }));
    EXPECT_EQ(rendered.first().first().value<RenderResult>().image, burst_last);
}

TEST_F(WorkerTest, AZCodeMapsToTheReferenceW) {
    // The fixture's z row 0 and the reference code's w for it, repeated on every layer.
    const auto z = io::read_npy(LATENT_STUDIO_FIXTURES "/stylegan2/rosinality_tiny64_cases/z.npy");
    const auto w = io::read_npy(LATENT_STUDIO_FIXTURES "/stylegan2/rosinality_tiny64_cases/w.npy");
    const int64_t dim = z.shape[1];
    QSignalSpy mapped(thread->worker(), &InferenceWorker::mapped);
    QMetaObject::invokeMethod(
        thread->worker(), "map_z", Qt::QueuedConnection, Q_ARG(quint64, 5),
        Q_ARG(QVector<float>, QVector<float>(z.data.begin(), z.data.begin() + dim)));
    ASSERT_TRUE(wait_for([&] { return mapped.count() == 1; }));
    const auto wplus = mapped.first().at(1).value<QVector<float>>();
    ASSERT_EQ(wplus.size(), info.num_ws * dim);
    for (int l = 0; l < info.num_ws; ++l) {
        for (int64_t i = 0; i < dim; ++i) EXPECT_NEAR(wplus[l * dim + i], w.data[size_t(i)], 2e-3);
    }
}

TEST_F(WorkerTest, CancellingAJobStopsIt) {
    QSignalSpy progress(thread->worker(), &InferenceWorker::progress);
    QSignalSpy finished(thread->worker(), &InferenceWorker::job_finished);
    QMetaObject::invokeMethod(thread->worker(), "render_seeds", Qt::QueuedConnection,
                              Q_ARG(quint64, 9), Q_ARG(quint64, 0), Q_ARG(int, 100000));
    ASSERT_TRUE(wait_for([&] { return progress.count() >= 2; }));
    thread->worker()->cancel_job();
    ASSERT_TRUE(wait_for([&] { return finished.count() == 1; }, 10000));
    EXPECT_TRUE(finished.first().at(1).toBool()) << "the job did not report its cancellation";
    EXPECT_LT(finished.first().at(2).value<QList<QImage>>().size(), 100000);
}

TEST_F(WorkerTest, AnEngineErrorArrivesAsAMessageAndTheWorkerKeepsServing) {
    QSignalSpy failed(thread->worker(), &InferenceWorker::failed);
    QSignalSpy rendered(thread->worker(), &InferenceWorker::rendered);
    RenderRequest bad = request(1, 1.0);
    bad.wplus.resize(17);  // a code of the wrong size
    thread->worker()->post(bad);
    ASSERT_TRUE(wait_for([&] { return failed.count() == 1; }));
    const QString message = failed.first().at(1).toString();
    EXPECT_TRUE(message.contains("17")) << message.toStdString();
    EXPECT_FALSE(message.contains('\n'));
    thread->worker()->post(request(2, 1.0));
    ASSERT_TRUE(wait_for([&] { return rendered.count() == 1; }));
    QMetaObject::invokeMethod(thread->worker(), "load_model", Qt::QueuedConnection,
                              Q_ARG(QString, "/nonexistent/model.pt"), Q_ARG(QString, "cpu"));
    ASSERT_TRUE(wait_for([&] { return failed.count() == 2; }));
    thread->worker()->post(request(3, 1.0));  // the old model still serves
    ASSERT_TRUE(wait_for([&] { return rendered.count() == 2; }));
}

TEST_F(WorkerTest, ShuttingDownWithWorkInFlightNeitherHangsNorCrashes) {
    QMetaObject::invokeMethod(thread->worker(), "render_seeds", Qt::QueuedConnection,
                              Q_ARG(quint64, 1), Q_ARG(quint64, 0), Q_ARG(int, 100000));
    for (uint64_t g = 1; g <= 50; ++g) thread->worker()->post(request(g, 0.5));
    QTest::qWait(50);
    QElapsedTimer t;
    t.start();
    thread.reset();  // cancels the job, quits the thread and waits for it
    EXPECT_LT(t.elapsed(), 10000);
}

}  // namespace
}  // namespace ls::ui
