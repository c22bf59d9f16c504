// Benchmark (not a test): the editor's latency from a slider move to the new image on screen
// while dragging continuously, and the time from start to a usable window. Prints JSON.
// Run: build/bench/editor_latency_bench [--moves N] [--interval-ms MS]
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QHash>
#include <QQuickWindow>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "editor_controller.h"
#include "editor_window.h"

Q_IMPORT_QML_PLUGIN(LatentStudioPlugin)

int main(int argc, char** argv) {
    QElapsedTimer since_start;
    since_start.start();
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    int moves = 300, interval_ms = 16;
    for (int i = 1; i + 1 < argc; ++i) {
        if (QByteArray(argv[i]) == "--moves") moves = std::atoi(argv[i + 1]);
        if (QByteArray(argv[i]) == "--interval-ms") interval_ms = std::atoi(argv[i + 1]);
    }
    const ls::bench::EditorWindow opened = ls::bench::open_editor_window();
    QQuickWindow* window = opened.window;
    ls::ui::EditorController* editor = opened.editor;
    const double startup_ms = since_start.nsecsElapsed() / 1e6;

    // Each move records when it was asked for; a frame shown reports the latency of the
    // newest move it contains, once the window has swapped it onto the screen.
    QHash<quint64, qint64> asked_at;
    std::vector<double> latencies;
    QElapsedTimer clock;
    clock.start();
    quint64 pending_shown = 0;
    QObject::connect(editor, &ls::ui::EditorController::imageChanged,
                     [&] { pending_shown = editor->shown_generation(); });
    QObject::connect(window, &QQuickWindow::frameSwapped, [&] {
        if (pending_shown && asked_at.contains(pending_shown)) {
            latencies.push_back((clock.nsecsElapsed() - asked_at.value(pending_shown)) / 1e6);
        }
        pending_shown = 0;
    });
    for (int i = 0; i < moves; ++i) {
        editor->setStrength(0, 5.0 * std::sin(i * 0.05), i == moves - 1);
        asked_at.insert(editor->requested_generation(), clock.nsecsElapsed());
        QTest::qWait(interval_ms);
    }
    QTest::qWait(500);
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double p) {
        return latencies.empty() ? 0.0 : latencies[size_t(p * (latencies.size() - 1))];
    };
    std::printf(
        "{\n  \"model\": \"%s\",\n  \"resolution\": %d,\n  \"moves\": %d,\n  \"interval_ms\": %d,\n"
        "  \"frames_shown\": %zu,\n  \"latency_ms_median\": %.1f,\n  \"latency_ms_p95\": %.1f,\n"
        "  \"render_ms_last\": %.1f,\n  \"startup_to_first_image_ms\": %.0f\n}\n",
        editor->model_name().toUtf8().constData(), editor->resolution(), moves, interval_ms,
        latencies.size(), pct(0.5), pct(0.95), editor->render_ms(), startup_ms);
    return 0;
}
