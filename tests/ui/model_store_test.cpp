// The editor's model manager (ModelStore) against a server on 127.0.0.1 started by the test:
// a download installs a model that the editor then loads; a dropped connection leaves a
// partial download that a second one resumes; a cancel keeps what came; a corrupt file is
// refused; no server means "offline" and a message that suggests importing; imports of a
// model file and of a file that is not one. Everything happens in temporary folders.
#include <gtest/gtest.h>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQuickItem>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <filesystem>

#include "http_test_server.h"
#include "model_store.h"
#include "store/sha256.h"
#include "ui_test_support.h"

namespace fs = std::filesystem;
using ls::test::HttpTestServer;
using ls::ui::ModelRow;
using ls::ui::ModelStore;
using ls::ui::test::click;
using ls::ui::test::find_item;
using ls::ui::test::find_items;
using ls::ui::test::wait_for;

namespace {

std::vector<uint8_t> fixture_bytes() {
    QFile f(ls::ui::test::kFixtureModel);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray b = f.readAll();
    return {b.begin(), b.end()};
}

class ModelStoreTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(tmp.isValid()); }

    QString models_dir() const { return QDir(tmp.path()).filePath("models"); }
    QString part_path() const { return QDir(models_dir()).filePath("tiny.part"); }

    // A catalogue with one model, "tiny", at `url`, one the engine cannot read and, given
    // `second_url`, another model "tiny2".
    void write_catalog(const QString& url, bool with_checksum = false,
                       const QString& second_url = {}) {
        QJsonObject tiny{{"name", "tiny"},        {"title", "Tiny test model"}, {"url", url},
                         {"file", "tiny.pt"},     {"format", "rosinality-pt"},  {"resolution", 64},
                         {"alignment", "centre"}, {"licence", "test"}};
        if (with_checksum) {
            tiny["size"] = double(fixture_bytes().size());
            tiny["sha256"] = QString::fromStdString(
                ls::store::sha256_file(ls::ui::test::kFixtureModel.toStdString()));
        }
        const QJsonObject tf{
            {"name", "tf"},     {"title", "TensorFlow pickle"}, {"url", url + "/tf.pkl"},
            {"file", "tf.pkl"}, {"format", "stylegan2-tf-pkl"}, {"loadable", false}};
        QFile f(QDir(tmp.path()).filePath("catalog.json"));
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        QJsonArray models{tiny, tf};
        if (!second_url.isEmpty()) {
            QJsonObject tiny2 = tiny;
            tiny2["name"] = "tiny2";
            tiny2["file"] = "tiny2.pt";
            tiny2["url"] = second_url;
            models.append(tiny2);
        }
        f.write(QJsonDocument(QJsonObject{{"models", models}}).toJson());
    }
    void open_store() {
        store = std::make_unique<ModelStore>();
        store->set_models_dir(models_dir());
        store->set_catalog_path(QDir(tmp.path()).filePath("catalog.json"));
        ASSERT_TRUE(store->catalog_error().isEmpty()) << store->catalog_error().toStdString();
        installed = std::make_unique<QSignalSpy>(store.get(), &ModelStore::installed);
        failed = std::make_unique<QSignalSpy>(store.get(), &ModelStore::failed);
    }
    const ModelRow* row(const QString& section) const {
        return store->models()->find(QStringLiteral("tiny"), section);
    }
    QString state(const QString& name = QStringLiteral("tiny")) const {
        const ModelRow* r = store->models()->find(name, QStringLiteral("catalogue"));
        return r ? r->state : QStringLiteral("(no catalogue row)");
    }
    QString failure() const {
        return failed->isEmpty() ? QString() : failed->last().at(1).toString();
    }
    bool idle() {
        return wait_for([&] { return !store->busy(); }, 60000);
    }

    QTemporaryDir tmp;
    std::unique_ptr<ModelStore> store;
    std::unique_ptr<QSignalSpy> installed, failed;
};

}  // namespace

TEST_F(ModelStoreTest, ListsTheShippedModelAndTheCatalogue) {
    write_catalog("http://127.0.0.1:1/tiny.pt");
    open_store();
    const ModelRow* shipped = store->models()->find("default", "installed");
    ASSERT_NE(shipped, nullptr) << "the source tree's models/default";
    EXPECT_TRUE(shipped->shipped);
    EXPECT_TRUE(QFile::exists(shipped->path));
    // Its size is the whole folder's (generator, encoder, classifier, directions), not the
    // generator file's alone.
    qint64 folder_bytes = 0;
    for (QDirIterator it(QFileInfo(shipped->path).path(), QDir::Files,
                         QDirIterator::Subdirectories);
         it.hasNext();) {
        it.next();
        folder_bytes += it.fileInfo().size();
    }
    ASSERT_TRUE(shipped->sizeText.endsWith(" MB")) << shipped->sizeText.toStdString();
    EXPECT_NEAR(shipped->sizeText.chopped(3).toDouble() * 1e6, double(folder_bytes), 0.06e6)
        << shipped->sizeText.toStdString();
    EXPECT_EQ(state(), "available");
    EXPECT_EQ(row("catalogue")->sizeText, "size unknown");
    EXPECT_EQ(row("catalogue")->resolution, 64);
    EXPECT_EQ(store->models()->find("tf")->state, "unsupported");
    // The unreadable format is refused before any transfer, with what to do instead.
    EXPECT_FALSE(store->download("tf"));
    EXPECT_TRUE(failure().contains("convert it first")) << failure().toStdString();
    EXPECT_FALSE(store->busy());
}

TEST_F(ModelStoreTest, ADownloadInstallsAModelThatTheEditorLoads) {
    HttpTestServer server(fixture_bytes());
    write_catalog(QString::fromStdString(server.url()), true);
    open_store();
    EXPECT_EQ(row("catalogue")->sizeText, "3.4 MB");
    QStringList states;
    QObject watching;
    QObject::connect(store->models(), &QAbstractItemModel::dataChanged, &watching, [&] {
        if (row("catalogue") && (states.isEmpty() || states.last() != state())) states << state();
    });
    ASSERT_TRUE(store->download("tiny"));
    EXPECT_EQ(state(), "queued");
    EXPECT_TRUE(store->busy());
    ASSERT_TRUE(wait_for([&] { return installed->count() == 1; })) << failure().toStdString();
    EXPECT_TRUE(idle());
    EXPECT_TRUE(states.contains("downloading")) << states.join(",").toStdString();
    EXPECT_TRUE(states.contains("verifying")) << states.join(",").toStdString();
    EXPECT_EQ(row("catalogue"), nullptr) << "an installed model leaves the catalogue section";
    const ModelRow* r = row("installed");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->state, "installed");
    EXPECT_EQ(r->path, installed->first().at(1).toString());
    EXPECT_EQ(r->title, "Tiny test model");
    EXPECT_FALSE(QFile::exists(part_path()));
    // The path is what the editor's loader takes.
    ls::ui::ModelInfo info;
    auto worker = ls::ui::test::start_worker(&info, r->path);
    EXPECT_EQ(info.resolution, 64);
    EXPECT_EQ(info.name, "Tiny test model");
    // A second download of an installed model is refused at once, with a message.
    EXPECT_FALSE(store->download("tiny"));
    EXPECT_TRUE(failure().contains("is installed already")) << failure().toStdString();
}

TEST_F(ModelStoreTest, ADroppedConnectionLeavesAPartialDownloadThatResumes) {
    HttpTestServer server(fixture_bytes());
    write_catalog(QString::fromStdString(server.url()));
    open_store();
    server.set_mode(HttpTestServer::Mode::DropHalf);
    ASSERT_TRUE(store->download("tiny"));
    ASSERT_TRUE(wait_for([&] { return failed->count() == 1; }));
    EXPECT_TRUE(failure().contains("Resume")) << failure().toStdString();
    EXPECT_FALSE(failure().contains("command")) << "no command-line advice in the editor";
    EXPECT_EQ(state(), "partial");
    EXPECT_EQ(row("catalogue")->bytesText, "1.7 MB so far");
    EXPECT_FALSE(store->offline());
    const qint64 kept = QFileInfo(part_path()).size();
    EXPECT_EQ(kept, qint64(fixture_bytes().size() / 2));

    server.set_mode(HttpTestServer::Mode::Normal);
    ASSERT_TRUE(store->download("tiny"));
    ASSERT_TRUE(wait_for([&] { return installed->count() == 1; })) << failure().toStdString();
    EXPECT_EQ(server.ranges_seen().back(), "bytes=" + std::to_string(kept) + "-");
    ASSERT_NE(row("installed"), nullptr);
    EXPECT_FALSE(QFile::exists(part_path()));
}

TEST_F(ModelStoreTest, ACancelKeepsWhatCameForAResume) {
    HttpTestServer server(fixture_bytes());
    write_catalog(QString::fromStdString(server.url()));
    open_store();
    server.set_mode(HttpTestServer::Mode::Stall);  // half, then nothing: time to cancel
    ASSERT_TRUE(store->download("tiny"));
    ASSERT_TRUE(wait_for([&] {
        return state() == "downloading" && row("catalogue")->bytesText.startsWith("1.7 MB");
    })) << state().toStdString();
    EXPECT_NEAR(row("catalogue")->progress, 0.5, 0.01) << "the server's length is the total";
    store->cancel("tiny");
    ASSERT_TRUE(idle());
    EXPECT_EQ(state(), "partial");
    EXPECT_TRUE(failed->isEmpty()) << "a cancel is no failure: " << failure().toStdString();
    EXPECT_TRUE(QFile::exists(part_path()));
    EXPECT_FALSE(QDir(models_dir()).exists("tiny"));
}

TEST_F(ModelStoreTest, DownloadsRunOneAfterAnotherAndAQueuedOneCanBeCancelled) {
    HttpTestServer slow(fixture_bytes()), fast(fixture_bytes());
    slow.set_mode(HttpTestServer::Mode::Stall);
    write_catalog(QString::fromStdString(slow.url()), false, QString::fromStdString(fast.url()));
    open_store();
    ASSERT_TRUE(store->download("tiny"));
    ASSERT_TRUE(wait_for([&] { return state() == "downloading"; }));
    ASSERT_TRUE(store->download("tiny2"));
    EXPECT_FALSE(store->download("tiny2")) << "queued already";
    EXPECT_EQ(state("tiny2"), "queued");
    // A queued download that is cancelled never starts; its row is back at once.
    store->cancel("tiny2");
    EXPECT_EQ(state("tiny2"), "available");
    EXPECT_TRUE(store->busy());
    // Queued again: the first (skipped) job's report must not end this one.
    ASSERT_TRUE(store->download("tiny2"));
    QTest::qWait(300);
    EXPECT_EQ(state("tiny2"), "queued") << "waits for tiny";
    EXPECT_EQ(state(), "downloading");
    store->cancel("tiny");
    ASSERT_TRUE(wait_for([&] { return installed->count() == 1; })) << failure().toStdString();
    EXPECT_EQ(installed->first().at(0).toString(), "tiny2");
    EXPECT_EQ(state(), "partial");
    EXPECT_TRUE(failed->isEmpty()) << failure().toStdString();
    EXPECT_EQ(fast.ranges_seen().size(), 1u) << "tiny2 was fetched once";
}

TEST_F(ModelStoreTest, ClosingDuringADownloadStopsItAndKeepsThePart) {
    HttpTestServer server(fixture_bytes());
    server.set_mode(HttpTestServer::Mode::Stall);  // would hang for 10 s
    write_catalog(QString::fromStdString(server.url()));
    open_store();
    ASSERT_TRUE(store->download("tiny"));
    ASSERT_TRUE(wait_for([&] { return row("catalogue")->bytesText.startsWith("1.7 MB"); }));
    QElapsedTimer t;
    t.start();
    store.reset();  // cancel, quit(), wait()
    EXPECT_LT(t.elapsed(), 5000) << "libcurl's progress callback sees the cancel within ~1 s";
    EXPECT_EQ(QFileInfo(part_path()).size(), qint64(fixture_bytes().size() / 2));
}

TEST_F(ModelStoreTest, ACorruptFileIsRefusedAndNothingIsInstalled) {
    std::vector<uint8_t> corrupt = fixture_bytes();
    for (size_t i = 0; i < 4096; ++i) corrupt[i] ^= 0x5a;  // the zip's headers are gone
    HttpTestServer server(corrupt);
    write_catalog(QString::fromStdString(server.url()));
    open_store();
    ASSERT_TRUE(store->download("tiny"));
    ASSERT_TRUE(wait_for([&] { return failed->count() == 1; }));
    EXPECT_TRUE(failure().startsWith("Tiny test model was not installed: "))
        << failure().toStdString();
    EXPECT_TRUE(failure().contains("not a model")) << failure().toStdString();
    EXPECT_TRUE(installed->isEmpty());
    EXPECT_EQ(state(), "available");
    EXPECT_TRUE(QDir(models_dir()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
}

TEST_F(ModelStoreTest, NoServerMeansOfflineAndSuggestsImportingUntilADownloadGetsThrough) {
    const QString nowhere =
        QStringLiteral("http://127.0.0.1:%1/tiny.pt").arg(ls::test::closed_port());
    write_catalog(nowhere);
    open_store();
    QSignalSpy offline_changed(store.get(), &ModelStore::offlineChanged);
    ASSERT_TRUE(store->download("tiny"));
    ASSERT_TRUE(wait_for([&] { return failed->count() == 1; }));
    EXPECT_TRUE(store->offline());
    EXPECT_EQ(store->offline_url(), nowhere);
    EXPECT_TRUE(failure().startsWith("No connection")) << failure().toStdString();
    EXPECT_TRUE(failure().contains("Import a file")) << failure().toStdString();
    EXPECT_TRUE(failure().contains(nowhere)) << failure().toStdString();
    EXPECT_EQ(state(), "available");

    HttpTestServer server(fixture_bytes());
    write_catalog(QString::fromStdString(server.url()));
    store->refresh();
    ASSERT_TRUE(store->download("tiny"));
    ASSERT_TRUE(wait_for([&] { return installed->count() == 1; })) << failure().toStdString();
    EXPECT_FALSE(store->offline());
    EXPECT_GE(offline_changed.count(), 2);
}

TEST_F(ModelStoreTest, ImportsAModelFileAndRefusesOneThatIsNot) {
    write_catalog("http://127.0.0.1:1/tiny.pt");
    open_store();
    store->importFile(QUrl::fromLocalFile(ls::ui::test::kFixtureModel), "mine", "centre", false);
    EXPECT_TRUE(store->busy());
    ASSERT_TRUE(wait_for([&] { return installed->count() == 1; })) << failure().toStdString();
    EXPECT_EQ(installed->first().at(0).toString(), "mine");
    const ModelRow* mine = store->models()->find("mine", "installed");
    ASSERT_NE(mine, nullptr);
    EXPECT_EQ(mine->path, installed->first().at(1).toString());
    EXPECT_FALSE(mine->link);

    const QString notes = QDir(tmp.path()).filePath("notes.pkl");
    QFile f(notes);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("just some text, not a network\n");
    f.close();
    store->importFile(QUrl::fromLocalFile(notes), "", "ffhq", false);
    ASSERT_TRUE(wait_for([&] { return failed->count() == 1; }));
    EXPECT_EQ(failed->first().at(0).toString(), "notes");
    EXPECT_TRUE(failure().startsWith("notes was not installed: ")) << failure().toStdString();
    EXPECT_TRUE(failure().contains("not a model")) << failure().toStdString();
    EXPECT_EQ(store->models()->find("notes"), nullptr);
    EXPECT_FALSE(QDir(models_dir()).exists("notes"));
    // The same name twice: the message says what to do.
    store->importFile(QUrl::fromLocalFile(ls::ui::test::kFixtureModel), "mine", "ffhq", false);
    ASSERT_TRUE(wait_for([&] { return failed->count() == 2; }));
    EXPECT_TRUE(failure().contains("is installed already")) << failure().toStdString();
}

TEST_F(ModelStoreTest, TheTrialLoadDecidesAndCanBeReplaced) {
    HttpTestServer server(fixture_bytes());
    write_catalog(QString::fromStdString(server.url()));
    open_store();
    store->set_trial_load([](const std::string&) { throw std::runtime_error("no, thanks"); });
    ASSERT_TRUE(store->download("tiny"));
    ASSERT_TRUE(wait_for([&] { return failed->count() == 1; }));
    EXPECT_TRUE(failure().contains("no, thanks")) << failure().toStdString();
    EXPECT_EQ(state(), "available");
}

namespace {
// The shipped catalogue with a small model from the test's server in front of it, so that
// the picture shows a download on its way next to the real entries.
void write_screenshot_catalog(const QString& path, const std::string& url) {
    QFile shipped(QString::fromStdString(ls::store::default_catalog_path()));
    ASSERT_TRUE(shipped.open(QIODevice::ReadOnly));
    QJsonObject catalog = QJsonDocument::fromJson(shipped.readAll()).object();
    QJsonArray models = catalog["models"].toArray();
    models.prepend(QJsonObject{{"name", "tiny-test"},
                               {"title", "Tiny test model (from the test's local server)"},
                               {"url", QString::fromStdString(url)},
                               {"file", "tiny.pt"},
                               {"format", "rosinality-pt"},
                               {"resolution", 64},
                               {"licence", "test fixture"}});
    catalog["models"] = models;
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(catalog).toJson());
}
}  // namespace

// The editor's window: Manage… opens the model manager; a picture of it for the user guide
// (build/screenshots/models.png) with the shipped model (current), an imported one, a download
// on its way and a stopped one that offers Resume.
TEST(ModelManagerWindow, ManageOpensTheDialogWithTheCatalogue) {
    // As on a user's first run the editor opens the shipped model (the tests' main picks the
    // placeholder network).
    qunsetenv("LATENT_STUDIO_MODEL");
    ls::ui::test::MainWindow w = ls::ui::test::open_main_window();
    qputenv("LATENT_STUDIO_MODEL", "placeholder");
    ASSERT_TRUE(w.window && w.editor);
    ASSERT_TRUE(wait_for([&] {
        return w.editor->property("ready").toBool() &&
               w.editor->property("shownGeneration").toULongLong() > 0 &&
               w.editor->property("shownGeneration") == w.editor->property("requestedGeneration");
    }));
    auto* store = w.window->findChild<ModelStore*>("modelStore");
    ASSERT_NE(store, nullptr);
    QTemporaryDir tmp;
    HttpTestServer server(fixture_bytes());
    server.set_mode(HttpTestServer::Mode::Stall);
    const QString catalog = QDir(tmp.path()).filePath("catalog.json");
    write_screenshot_catalog(catalog, server.url());
    store->set_models_dir(QDir(tmp.path()).filePath("models"));
    store->set_catalog_path(catalog);
    QSignalSpy installed(store, &ModelStore::installed);
    store->importFile(QUrl::fromLocalFile(ls::ui::test::kFixtureModel), "rosinality-tiny64",
                      "centre", false);
    ASSERT_TRUE(wait_for([&] { return installed.count() == 1; }));
    QFile part(QDir(tmp.path()).filePath("models/ffhq.part"));  // a download stopped early
    ASSERT_TRUE(part.open(QIODevice::WriteOnly));
    part.write(QByteArray(12 * 1000 * 1000, '\0'));
    part.close();
    store->refresh();
    ASSERT_TRUE(store->download("tiny-test"));
    const ModelRow* shipped = store->models()->find("default", "installed");
    ASSERT_NE(shipped, nullptr);
    EXPECT_TRUE(store->sameFile(shipped->path, w.editor->property("modelPath").toString()))
        << w.editor->property("modelPath").toString().toStdString();

    QQuickItem* manage = find_item(w.window->contentItem(), "manageModelsButton");
    ASSERT_NE(manage, nullptr);
    click(w.window, manage);
    QObject* dialog = w.window->findChild<QObject*>("modelManager");
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(wait_for([&] { return dialog->property("opened").toBool(); }));
    ASSERT_TRUE(wait_for([&] {
        const ModelRow* r = store->models()->find("tiny-test");
        return r && r->state == "downloading" && !r->bytesText.isEmpty();
    }));
    EXPECT_EQ(store->models()->find("ffhq")->state, "partial");
    QList<QQuickItem*> resume;
    find_items(w.window->contentItem(), "resumeButton", &resume);
    EXPECT_EQ(resume.size(), 1) << "ffhq offers Resume";
    QTest::qWait(300);  // the progress bar's animation
    QDir().mkpath(LATENT_STUDIO_SCREENSHOTS);
    EXPECT_TRUE(
        w.window->grabWindow().save(QDir(LATENT_STUDIO_SCREENSHOTS).filePath("models.png")));
    store->cancel("tiny-test");
    EXPECT_TRUE(wait_for([&] { return !store->busy(); }));
}
