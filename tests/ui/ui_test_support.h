// What the editor's tests share: waiting while the event loop runs, and an inference thread
// with a model loaded.
#pragma once

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

#include "engine/inference_worker.h"

namespace ls::ui::test {

// Runs the event loop until `done` holds or `ms` pass; returns done().
template <typename F>
bool wait_for(F done, int ms = 60000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms) QTest::qWait(5);
    return done();
}

// The rosinality fixture: a small real model with no manifest.
inline const QString kFixtureModel =
    QStringLiteral(LATENT_STUDIO_FIXTURES "/stylegan2/rosinality_tiny64.pt");

// An inference thread that has loaded `model` on the CPU; `info` stays empty (w_dim 0) when
// the load did not finish.
inline std::unique_ptr<InferenceThread> start_worker(ModelInfo* info,
                                                     const QString& model = kFixtureModel) {
    auto thread = std::make_unique<InferenceThread>(std::make_unique<RenderEngine>());
    QSignalSpy loaded(thread->worker(), &InferenceWorker::model_loaded);
    QMetaObject::invokeMethod(thread->worker(), "load_model", Qt::QueuedConnection,
                              Q_ARG(QString, model), Q_ARG(QString, "cpu"));
    if (wait_for([&] { return loaded.count() == 1; })) {
        *info = loaded.first().first().value<ModelInfo>();
    }
    return thread;
}

}  // namespace ls::ui::test
