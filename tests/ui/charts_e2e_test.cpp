// The editor's charts on the embedded default model, in the real window (offscreen): the
// attribute scores of the current image beside the original's, and the eigenvalue spectrum of
// a SeFa discovery. (The inversion's loss curve is checked in photo_e2e_test.cpp.)
// Screenshots go to the build folder's screenshots/.
#include <gtest/gtest.h>
#include <QDir>
#include <QQuickItem>
#include <QTest>

#include <cmath>
#include <numeric>

#include "direction_list_model.h"
#include "edit_list_model.h"
#include "editor_controller.h"
#include "portrait/attributes.h"
#include "ui_test_support.h"

namespace ls::ui {
namespace {

using test::click;
using test::find_item;
using test::wait_for;

class ChartsWindow : public test::WindowTest {
  protected:
    ChartsWindow() : WindowTest(/*embedded_model=*/true) {}  // it has a classifier
    bool settled() const {
        return editor->property("shownGeneration").toULongLong() > 0 &&
               editor->property("shownGeneration") == editor->property("requestedGeneration");
    }
    std::string status() const { return editor->property("status").toString().toStdString(); }
    QList<qreal> scores() const {
        return editor->property("attributeScores").value<QList<qreal>>();
    }
    QList<qreal> original() const {
        return editor->property("originalAttributeScores").value<QList<qreal>>();
    }
    int edit_row(const QString& name) const {
        const auto& rows = editor->edits()->rows();
        for (size_t i = 0; i < rows.size(); ++i)
            if (rows[i].name == name) return static_cast<int>(i);
        return -1;
    }
};

TEST_F(ChartsWindow, AttributeScoresShowWhatAnEditChanged) {
    // The classifier predicts the renderer's attributes, in the renderer's order.
    const QStringList names = editor->property("attributeNames").toStringList();
    ASSERT_EQ(names.size(), portrait::kAttributeCount);
    for (int i = 0; i < portrait::kAttributeCount; ++i)
        EXPECT_EQ(names[i], portrait::attribute_table()[size_t(i)].name);

    // Scoring runs only while the chart shows.
    EXPECT_FALSE(editor->property("scoreAttributes").toBool());
    EXPECT_TRUE(scores().isEmpty());
    click(window, find_item(window->contentItem(), "attributesToggle"));
    EXPECT_TRUE(editor->property("scoreAttributes").toBool());
    ASSERT_TRUE(wait_for([&] {
        return settled() && scores().size() == names.size() && original().size() == names.size();
    })) << status();
    // No edit moved: the image is the original, and so are its scores.
    EXPECT_EQ(scores(), original());
    for (qreal v : scores()) EXPECT_TRUE(std::isfinite(v));

    // "age" (a verified direction of the model) at its slider's end, towards the side where
    // the score has room to move (the classifier's scores saturate near -1 and +1).
    const int age_row = edit_row("age");
    const int age = portrait::attribute_index("age");
    ASSERT_GE(age_row, 0);
    const QList<qreal> before = original();
    const double sign = before[age] > 0 ? -1.0 : 1.0;
    editor->setStrength(age_row, sign * editor->edits()->rows()[size_t(age_row)].range, true);
    ASSERT_TRUE(wait_for([&] { return settled() && scores() != before; })) << status();
    EXPECT_EQ(original(), before) << "the original has no edits: its scores stay";
    const double age_change = sign * (scores()[age] - original()[age]);
    double others = 0;
    for (int i = 0; i < names.size(); ++i)
        if (i != age) others += std::abs(scores()[i] - original()[i]);
    others /= names.size() - 1;
    std::printf("age edit: age score moved %.3f its way, the others %.3f on average\n", age_change,
                others);
    EXPECT_GT(age_change, 0.3);
    EXPECT_GT(age_change, others);

    QQuickItem* chart = find_item(window->contentItem(), "attributeChart");
    ASSERT_TRUE(chart);
    EXPECT_EQ(chart->property("names").toStringList(), names);
    // The chart marks the age row as changed (0.1 or more).
    QVariant changed;
    ASSERT_TRUE(QMetaObject::invokeMethod(chart, "changed", Q_RETURN_ARG(QVariant, changed),
                                          Q_ARG(QVariant, age)));
    EXPECT_TRUE(changed.toBool());
    QTest::qWait(100);
    screenshot("charts-attributes.png");

    // The scores show beside the edit list (watched while dragging); closing them stops scoring.
    EXPECT_TRUE(find_item(window->contentItem(), "editList"));
    click(window, find_item(window->contentItem(), "attributesToggle"));
    EXPECT_FALSE(editor->property("scoreAttributes").toBool());
}

TEST_F(ChartsWindow, ADiscoveryShowsTheWholeEigenvalueSpectrum) {
    click(window, find_item(window->contentItem(), "discoverTab"));
    editor->discover("sefa", 0, -1, 5, 0);
    DirectionListModel* candidates = editor->candidates();
    ASSERT_TRUE(wait_for([&] {
        return candidates->rowCount() == 5 && !editor->property("discovering").toBool();
    })) << status();
    const auto spectrum = editor->property("discoverSpectrum").value<QList<qreal>>();
    // Every eigenvalue of A^T A (w_dim of them): none negative, descending, and the first five
    // are the candidates'.
    ASSERT_GT(spectrum.size(), 5);
    for (qsizetype i = 0; i < spectrum.size(); ++i) {
        EXPECT_GE(spectrum[i], -1e-9 * spectrum[0]) << i;
        if (i > 0) {
            EXPECT_LE(spectrum[i], spectrum[i - 1]) << i;
        }
    }
    for (int i = 0; i < 5; ++i)
        EXPECT_DOUBLE_EQ(spectrum[i], candidates->items()[size_t(i)].value) << i;

    QQuickItem* chart = find_item(window->contentItem(), "spectrumChart");
    ASSERT_TRUE(chart) << "the spectrum chart is not showing";
    EXPECT_EQ(chart->property("highlightCount").toInt(), 5);
    const double share = std::accumulate(spectrum.begin(), spectrum.begin() + 5, 0.0) /
                         std::accumulate(spectrum.begin(), spectrum.end(), 0.0);
    EXPECT_NEAR(chart->property("highlightShare").toDouble(), share, 1e-9);
    QTest::qWait(100);
    screenshot("charts-spectrum.png");
}

}  // namespace
}  // namespace ls::ui
