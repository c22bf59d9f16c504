// The user guide's pictures (docs/images/), made by the real editor on the embedded
// default model. Disabled: run on request, then copy the files from the build folder's
// screenshots/ (guide-NAME.png) to docs/images/NAME.png:
//   xvfb-run -a env QT_QPA_PLATFORM=xcb build/tests/ui/ui_tests
//       --gtest_also_run_disabled_tests --gtest_filter='GuideScreenshots.*'
#include <gtest/gtest.h>
#include <QDir>
#include <QLinearGradient>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <utility>
#include <vector>

#include "edit_list_model.h"
#include "editor_controller.h"
#include "portrait/portrait_renderer.h"
#include "ui_test_support.h"

namespace ls::ui {
namespace {

using Panel = std::pair<QString, QImage>;

// Images side by side at one height, each captioned below.
QImage side_by_side(const std::vector<Panel>& panels, int height) {
    const int gap = 12, caption = 28;
    int width = gap;
    std::vector<QImage> scaled;
    for (const auto& [text, image] : panels) {
        scaled.push_back(image.scaledToHeight(height, Qt::SmoothTransformation));
        width += scaled.back().width() + gap;
    }
    QImage out(width, height + caption + gap, QImage::Format_RGB888);
    out.fill(QColor(245, 245, 245));
    QPainter p(&out);
    QFont font = p.font();
    font.setPixelSize(15);
    p.setFont(font);
    int x = gap;
    for (size_t i = 0; i < panels.size(); ++i) {
        p.drawImage(x, gap, scaled[i]);
        p.drawText(QRect(x, gap + height, scaled[i].width(), caption), Qt::AlignCenter,
                   panels[i].first);
        x += scaled[i].width() + gap;
    }
    return out;
}

// A rendered portrait (seed) as the centred square of a wider "photo" with a backdrop.
QImage wide_portrait(uint64_t seed, int height) {
    portrait::RenderOptions o;
    o.size = height;
    const std::vector<uint8_t> rgb =
        portrait::render_portrait(portrait::sample_attributes(seed), o);
    const QImage face(rgb.data(), height, height, height * 3, QImage::Format_RGB888);
    QImage photo(height * 3 / 2, height, QImage::Format_RGB888);
    QPainter painter(&photo);
    QLinearGradient backdrop(0, 0, photo.width(), height);
    backdrop.setColorAt(0, QColor(60, 80, 100));
    backdrop.setColorAt(1, QColor(150, 140, 120));
    painter.fillRect(photo.rect(), backdrop);
    painter.drawImage(height / 4, 0, face);
    return photo;
}

class GuideScreenshots : public test::WindowTest {
  protected:
    GuideScreenshots() : WindowTest(/*embedded_model=*/true) {}
    void SetUp() override {
        WindowTest::SetUp();
        if (HasFatalFailure()) return;
        window->resize(1280, 820);
    }
    bool settled() {
        return test::wait_for(
            [&] {
                return editor->property("ready").toBool() &&
                       !editor->property("inverting").toBool() &&
                       !editor->property("photoBusy").toBool() &&
                       !editor->property("compareBusy").toBool() &&
                       editor->property("shownGeneration").toULongLong() > 0 &&
                       editor->property("shownGeneration") ==
                           editor->property("requestedGeneration");
            },
            180000);
    }
    std::string status() const { return editor->property("status").toString().toStdString(); }
    int edit_row(const QString& name) const {
        const auto& rows = editor->edits()->rows();
        for (size_t i = 0; i < rows.size(); ++i)
            if (rows[i].name == name) return static_cast<int>(i);
        return -1;
    }
    void save(const QImage& image, const QString& name) {
        QDir().mkpath(LATENT_STUDIO_SCREENSHOTS);
        ASSERT_TRUE(image.save(QDir(LATENT_STUDIO_SCREENSHOTS).filePath(name)));
    }
    QImage export_to(const QString& name) {
        const QString path = QDir(dir.path()).filePath(name);
        if (!test::export_and_wait(editor, path, 95)) return {};
        return QImage(path);
    }

    QTemporaryDir dir;
};

// The window as it opens: the first sample (seed 1) and the model's sliders.
TEST_F(GuideScreenshots, DISABLED_Editor) {
    editor->newSample(1);
    ASSERT_TRUE(settled());
    QTest::qWait(200);
    save(window->grabWindow(), "guide-editor.png");
}

// The compare view: "age" by layer range (rows) and strength (columns).
TEST_F(GuideScreenshots, DISABLED_Layers) {
    editor->newSample(3);
    ASSERT_TRUE(settled());
    const int row = edit_row("age");
    ASSERT_GE(row, 0);
    // Selected in the edit list (as a click would), so that the view's caption names it.
    QQuickItem* list = test::find_item(window->contentItem(), "editList");
    ASSERT_TRUE(list);
    list->setProperty("currentIndex", row);
    editor->set_compare_active(true);
    ASSERT_TRUE(test::wait_for([&] { return editor->property("hasCompareImage").toBool(); }));
    ASSERT_TRUE(settled());
    QTest::qWait(200);
    save(window->grabWindow(), "guide-layers.png");
}

// A photo with something across the mouth: painted over, filled by the generator, exported;
// then the same photo with edits, exported at its own resolution.
TEST_F(GuideScreenshots, DISABLED_InpaintingAndExport) {
    const int side = 480;
    QImage photo = wide_portrait(5, side);
    const QLine bar(side / 4 + side * 35 / 100, side * 62 / 100, side / 4 + side * 62 / 100,
                    side * 72 / 100);
    {
        QPainter p(&photo);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(QColor(30, 30, 35), side / 28.0, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(bar);
    }
    const QString path = QDir(dir.path()).filePath("scratched.jpg");
    ASSERT_TRUE(photo.save(path, "JPEG", 95));
    editor->setProperty("invertPreset", "fast");
    editor->openPhoto(QUrl::fromLocalFile(path));
    ASSERT_TRUE(settled()) << status();
    editor->centreCrop();  // the portrait's square
    editor->invertPhoto();
    ASSERT_TRUE(settled()) << status();
    // The mask in the crop's pixels (the model's resolution): the bar, a little wider.
    const int res = editor->property("resolution").toInt();
    const double s = double(res) / side;
    QImage mask(res, res, QImage::Format_Grayscale8);
    mask.fill(0);
    {
        QPainter p(&mask);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(Qt::white, side / 12.0 * s, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(
            QLineF((bar.p1() - QPoint(side / 4, 0)) * s, (bar.p2() - QPoint(side / 4, 0)) * s));
    }
    editor->setMask(mask, "Brush");
    QImage painted = photo.copy();
    {
        QPainter p(&painted);
        p.drawImage(QRect(side / 4, 0, side, side), [&] {
            QImage overlay(res, res, QImage::Format_ARGB32);
            overlay.fill(Qt::transparent);
            for (int y = 0; y < res; ++y)
                for (int x = 0; x < res; ++x)
                    if (qGray(mask.pixel(x, y)) > 0)
                        overlay.setPixelColor(x, y, QColor(255, 60, 60, 150));
            return overlay;
        }());
    }
    editor->fillMask();
    ASSERT_TRUE(settled()) << status();
    const QImage filled = export_to("filled.png");
    ASSERT_FALSE(filled.isNull()) << status();
    save(side_by_side({{"the photo", photo}, {"painted (B)", painted}, {"Fill, exported", filled}},
                      360),
         "guide-inpainting.png");

    for (const auto& [name, strength] : {std::pair{"hair_colour", 3.0}, std::pair{"age", -3.0}}) {
        const int row = edit_row(name);
        ASSERT_GE(row, 0);
        editor->setStrength(row, strength, true);
    }
    ASSERT_TRUE(settled());
    const QImage edited = export_to("edited.jpg");
    ASSERT_FALSE(edited.isNull()) << status();
    save(side_by_side({{"filled", filled}, {"hair colour +3, age -3, exported", edited}}, 360),
         "guide-export.png");
}

// `batch` on a folder of four photos: each photo and the reconstruction it wrote.
TEST_F(GuideScreenshots, DISABLED_Batch) {
    const QString images = QDir(dir.path()).filePath("photos");
    const QString out = QDir(dir.path()).filePath("codes");
    QDir().mkpath(images);
    std::vector<QImage> photos;
    for (uint64_t seed = 11; seed <= 14; ++seed) {
        photos.push_back(wide_portrait(seed, 240));
        ASSERT_TRUE(photos.back().save(QDir(images).filePath(QStringLiteral("p%1.jpg").arg(seed)),
                                       "JPEG", 95));
    }
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(LATENT_STUDIO_CLI,
              {"batch", "--images", images, "--out", out, "--preset", "fast", "--crop", "centre"});
    ASSERT_TRUE(cli.waitForFinished(600000));
    ASSERT_EQ(cli.exitCode(), 0) << cli.readAll().toStdString();
    std::vector<Panel> top, bottom;
    for (uint64_t seed = 11; seed <= 14; ++seed) {
        top.push_back({QStringLiteral("p%1.jpg").arg(seed), photos[size_t(seed - 11)]});
        const QImage recon(QDir(out).filePath(QStringLiteral("p%1.png").arg(seed)));
        ASSERT_FALSE(recon.isNull());
        bottom.push_back({QStringLiteral("codes/p%1.png").arg(seed), recon});
    }
    const QImage a = side_by_side(top, 160), b = side_by_side(bottom, 160);
    QImage both(std::max(a.width(), b.width()), a.height() + b.height(), QImage::Format_RGB888);
    both.fill(QColor(245, 245, 245));
    QPainter p(&both);
    p.drawImage(0, 0, a);
    p.drawImage(0, a.height(), b);
    p.end();
    save(both, "guide-batch.png");
}

}  // namespace
}  // namespace ls::ui
