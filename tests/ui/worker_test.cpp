// The inference worker with a real small model (the rosinality fixture).
#include <gtest/gtest.h>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <cmath>

#include "engine/inference_worker.h"
#include "io/npy.h"
#include "ui_test_support.h"

namespace ls::ui {
namespace {

using test::wait_for;

class WorkerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        thread = test::start_worker(&info);
        ASSERT_GT(info.w_dim, 0);
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

// What sessions record of the model: the SHA-256 of the file it was read from.
TEST_F(WorkerTest, TheLoadedModelCarriesItsFilesChecksum) {
    QFile file(test::kFixtureModel);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray expected =
        QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
    EXPECT_EQ(info.sha256, QString::fromLatin1(expected));
}

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

TEST_F(WorkerTest, SefaDiscoveryGivesUnitDirectionsStrongestFirst) {
    QSignalSpy discovered(thread->worker(), &InferenceWorker::discovered);
    DiscoverRequest r;
    r.job = 3;
    r.method = "sefa";
    r.count = 6;
    QMetaObject::invokeMethod(thread->worker(), "discover", Qt::QueuedConnection,
                              Q_ARG(ls::ui::DiscoverRequest, r));
    ASSERT_TRUE(wait_for([&] { return discovered.count() == 1; }));
    const auto result = discovered.first().first().value<DiscoverResult>();
    EXPECT_EQ(result.job, 3u);
    EXPECT_FALSE(result.cancelled);
    ASSERT_EQ(result.candidates.size(), 6u);
    for (size_t i = 0; i < result.candidates.size(); ++i) {
        double norm = 0;
        for (float v : result.candidates[i].direction) norm += double(v) * v;
        EXPECT_NEAR(norm, 1.0, 1e-5);
        if (i > 0) {
            EXPECT_LE(result.candidates[i].value, result.candidates[i - 1].value);
        }
    }
    // The same as the model's first sliders (SeFa over all layers).
    EXPECT_EQ(result.candidates[0].direction, info.directions[0].direction);
    // The whole spectrum: w_dim eigenvalues of A^T A, none negative, descending, the first
    // ones the candidates'.
    ASSERT_EQ(result.spectrum.size(), size_t(info.w_dim));
    for (size_t i = 0; i < result.spectrum.size(); ++i) {
        EXPECT_GE(result.spectrum[i], -1e-9 * result.spectrum[0]) << i;
        if (i > 0) {
            EXPECT_LE(result.spectrum[i], result.spectrum[i - 1]) << i;
        }
        if (i < result.candidates.size()) {
            EXPECT_EQ(result.spectrum[i], result.candidates[i].value);
        }
    }

    r.job = 4;
    r.method = "pca";
    r.samples = 500;
    QMetaObject::invokeMethod(thread->worker(), "discover", Qt::QueuedConnection,
                              Q_ARG(ls::ui::DiscoverRequest, r));
    ASSERT_TRUE(wait_for([&] { return discovered.count() == 2; }));
    const auto pca = discovered.last().first().value<DiscoverResult>();
    ASSERT_EQ(pca.candidates.size(), 6u);
    EXPECT_GT(pca.candidates[0].value, 0.0);
    EXPECT_GE(pca.candidates[0].value, pca.candidates[5].value);
    // PCA's spectrum is the variance of every component: the candidates' deviations squared.
    ASSERT_EQ(pca.spectrum.size(), size_t(info.w_dim));
    for (size_t i = 0; i < pca.candidates.size(); ++i)
        EXPECT_NEAR(std::sqrt(pca.spectrum[i]), pca.candidates[i].value, 1e-9 * pca.spectrum[0]);
}

TEST_F(WorkerTest, CancellingADiscoveryStopsIt) {
    QSignalSpy progress(thread->worker(), &InferenceWorker::progress);
    QSignalSpy discovered(thread->worker(), &InferenceWorker::discovered);
    DiscoverRequest r;
    r.job = 7;
    r.method = "pca";
    r.samples = 5000000;  // minutes of sampling
    QMetaObject::invokeMethod(thread->worker(), "discover", Qt::QueuedConnection,
                              Q_ARG(ls::ui::DiscoverRequest, r));
    ASSERT_TRUE(wait_for([&] { return progress.count() >= 2; }));
    thread->worker()->cancel_discovery(7);
    ASSERT_TRUE(wait_for([&] { return discovered.count() == 1; }, 10000));
    EXPECT_TRUE(discovered.first().first().value<DiscoverResult>().cancelled);
}

// Keeps the worker busy for `ms`, so that what is posted meanwhile waits.
void block_worker(InferenceWorker* worker, int ms) {
    QMetaObject::invokeMethod(worker, [ms] { QThread::msleep(static_cast<unsigned long>(ms)); });
}

TEST_F(WorkerTest, FramesGoFirstThenTheNewestGridThenStripsNewestFirst) {
    QSignalSpy rendered(thread->worker(), &InferenceWorker::rendered);
    QSignalSpy grids(thread->worker(), &InferenceWorker::grid_rendered);
    QSignalSpy strips(thread->worker(), &InferenceWorker::strip_rendered);
    QStringList order;
    QObject::connect(
        thread->worker(), &InferenceWorker::rendered, thread->worker(),
        [&](const RenderResult&) { order << "frame"; }, Qt::DirectConnection);
    QObject::connect(
        thread->worker(), &InferenceWorker::grid_rendered, thread->worker(),
        [&](quint64 key, const QImage&) { order << QStringLiteral("grid%1").arg(key); },
        Qt::DirectConnection);
    QObject::connect(
        thread->worker(), &InferenceWorker::strip_rendered, thread->worker(),
        [&](quint64 key, const QImage&, const QString&) {
            order << QStringLiteral("strip%1").arg(key);
        },
        Qt::DirectConnection);
    block_worker(thread->worker(), 300);
    GridRequest g;
    g.wplus = code;
    g.direction = info.directions[0].direction;
    g.ranges = {{0, info.num_ws - 1}};
    g.strengths = {-2, 0, 2};
    g.cell_size = 16;
    const int posted = InferenceWorker::kMaxStrips + 4;
    for (int k = 1; k <= posted; ++k) {
        g.key = quint64(k);
        thread->worker()->post_strip(g);
    }
    GridRequest grid = g;
    grid.cell_size = 0;
    grid.ranges = {{0, 1}, {2, info.num_ws - 1}};
    grid.row_labels = {"a", "b"};
    grid.column_labels = {"-2", "0", "+2"};
    grid.key = 100;
    thread->worker()->post_grid(grid);
    grid.key = 101;
    thread->worker()->post_grid(grid);  // replaces 100
    thread->worker()->post(request(1, 1.0));
    ASSERT_TRUE(wait_for([&] { return strips.count() == InferenceWorker::kMaxStrips; }));
    QTest::qWait(100);
    QStringList expected = {"frame", "grid101"};
    for (int k = posted; k > posted - InferenceWorker::kMaxStrips; --k)
        expected << QStringLiteral("strip%1").arg(k);
    EXPECT_EQ(order, expected) << order.join(' ').toStdString();
    const QImage strip = strips.first().at(1).value<QImage>();
    EXPECT_EQ(strip.size(), QSize(3 * 16, 16));
    const QImage labelled = grids.first().at(1).value<QImage>();
    EXPECT_GT(labelled.width(), 3 * info.resolution);
    EXPECT_GT(labelled.height(), 2 * info.resolution);
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
