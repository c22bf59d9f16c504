// The model catalogue, downloads from a server on 127.0.0.1 (whole, dropped half-way and
// resumed, corrupt, wrong checksum, no server) and imports (good and hostile files).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "http_test_server.h"
#include "io/npy.h"
#include "io/value.h"
#include "model/manifest.h"
#include "model/model.h"
#include "store/catalog.h"
#include "store/install.h"
#include "store/sha256.h"

namespace fs = std::filesystem;
using ls::store::DownloadError;
using Kind = ls::store::DownloadError::Kind;
using ls::test::HttpTestServer;

namespace {

const std::string kFixture =
    std::string(LATENT_STUDIO_FIXTURES) + "/stylegan2/rosinality_tiny64.pt";

std::vector<uint8_t> fixture_bytes() {
    return ls::io::read_file_bytes(kFixture);
}

class TempDir {
  public:
    TempDir() {
        std::random_device rd;
        path_ = fs::temp_directory_path() / ("ls-store-" + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
}

void engine_trial_load(const std::string& path) {
    ls::load_model(path, at::kCPU);
}

ls::store::CatalogEntry entry_for(const std::string& url) {
    ls::store::CatalogEntry e;
    e.name = "tiny";
    e.title = "Tiny test model";
    e.url = url;
    e.file = "tiny.pt";
    e.format = "rosinality-pt";
    e.resolution = 64;
    e.alignment = "centre";
    e.licence = "test";
    return e;
}

ls::store::DownloadOptions options_for(const fs::path& dir) {
    ls::store::DownloadOptions o;
    o.models_dir = (dir / "models").string();
    o.trial_load = engine_trial_load;
    o.connect_timeout_s = 5;
    o.stall_timeout_s = 5;
    return o;
}

Kind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const DownloadError& e) {
        return e.kind();
    }
    ADD_FAILURE() << "no DownloadError";
    return Kind::Io;
}

std::string fixture_sha() {
    return ls::store::sha256_file(kFixture);
}

}  // namespace

TEST(Catalog, ShippedCatalogueListsTheOfficialModels) {
    const auto catalog =
        ls::store::read_catalog(std::string(LATENT_STUDIO_SOURCE_DIR) + "/models/catalog.json");
    const std::string cdn = "https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/";
    for (const char* name : {"ffhq", "metfaces", "afhqcat", "afhqdog", "afhqwild"}) {
        const auto& e = ls::store::find_entry(catalog, name);
        EXPECT_EQ(e.url, cdn + name + ".pkl");
        EXPECT_EQ(e.format, "stylegan2-ada-pkl");
        EXPECT_TRUE(e.loadable);
        EXPECT_FALSE(e.licence.empty());
        EXPECT_EQ(e.alignment, std::string(name).rfind("afhq", 0) == 0 ? "centre" : "ffhq");
    }
    EXPECT_EQ(ls::store::find_entry(catalog, "ffhq").resolution, 1024);
    EXPECT_EQ(ls::store::find_entry(catalog, "afhqcat").resolution, 512);
    // The original TensorFlow release is listed, marked as needing conversion.
    EXPECT_FALSE(ls::store::find_entry(catalog, "stylegan2-ffhq-config-f").loadable);
    EXPECT_FALSE(ls::store::find_entry(catalog, "stylegan2-church-config-f").loadable);
    EXPECT_THROW(ls::store::find_entry(catalog, "nope"), ls::io::FormatError);
}

TEST(Catalog, RefusesBadEntries) {
    TempDir tmp;
    const auto write = [&](const std::string& text) {
        const auto p = tmp.path() / "c.json";
        std::ofstream(p) << text;
        return p.string();
    };
    const std::string ok = R"("url": "http://x/y", "file": "y.pkl", "format": "stylegan2-ada-pkl")";
    EXPECT_NO_THROW(ls::store::read_catalog(write(R"({"models": [{"name": "a", )" + ok + "}]}")));
    EXPECT_THROW(ls::store::read_catalog(write(R"({"models": [{"name": "../a", )" + ok + "}]}")),
                 ls::io::FormatError);
    EXPECT_THROW(ls::store::read_catalog(
                     write(R"({"models": [{"name": "a", "sha256": "12", )" + ok + "}]}")),
                 ls::io::FormatError);
    EXPECT_THROW(ls::store::read_catalog(write(R"({"models": [{"name": "a", )" + ok +
                                               R"(}, {"name": "a", )" + ok + "}]}")),
                 ls::io::FormatError);
    EXPECT_THROW(ls::store::read_catalog(write("[1, 2]")), ls::io::FormatError);
}

TEST(Catalog, UserModelsFolderFollowsXdg) {
    const char* old = std::getenv("XDG_DATA_HOME");
    const std::string saved = old ? old : "";
    setenv("XDG_DATA_HOME", "/tmp/xdg-test", 1);
    EXPECT_EQ(ls::store::user_models_dir(), "/tmp/xdg-test/latent-studio/models");
    setenv("XDG_DATA_HOME", "relative", 1);  // invalid per the specification: ignored
    EXPECT_NE(ls::store::user_models_dir().find("/.local/share/latent-studio/models"),
              std::string::npos);
    if (old)
        setenv("XDG_DATA_HOME", saved.c_str(), 1);
    else
        unsetenv("XDG_DATA_HOME");
}

TEST(Download, InstallsAVerifiedModelWithAManifest) {
    TempDir tmp;
    HttpTestServer server(fixture_bytes());
    auto entry = entry_for(server.url());
    entry.sha256 = fixture_sha();
    entry.size = fixture_bytes().size();
    auto o = options_for(tmp.path());
    uint64_t last_total = 0, last_received = 0;
    o.progress = [&](const ls::store::Progress& p) {
        last_total = p.total;
        last_received = p.received;
        return true;
    };
    const auto r = ls::store::download_model(entry, o);
    EXPECT_EQ(r.sha256, fixture_sha());
    EXPECT_FALSE(r.resumed);
    EXPECT_EQ(last_total, fixture_bytes().size());
    EXPECT_EQ(last_received, fixture_bytes().size());
    EXPECT_EQ(names_in(tmp.path() / "models"), std::vector<std::string>{"tiny"});
    EXPECT_EQ(names_in(tmp.path() / "models" / "tiny"),
              (std::vector<std::string>{"manifest.json", "tiny.pt"}));
    const ls::ModelManifest m = ls::read_manifest(r.manifest);
    EXPECT_EQ(m.name, "Tiny test model");
    EXPECT_EQ(m.alignment, "centre");
    EXPECT_EQ(fs::path(m.generator), fs::path(r.file));
    const ls::Model model = ls::load_model(r.folder);
    EXPECT_EQ(model.generator->config().resolution, 64);
    const auto installed = ls::store::list_installed(o.models_dir);
    ASSERT_EQ(installed.size(), 1u);
    EXPECT_EQ(installed[0].name, "tiny");
    EXPECT_EQ(installed[0].source_url, server.url());
    // A second download of the same name is refused and changes nothing.
    EXPECT_EQ(kind_of([&] { ls::store::download_model(entry, o); }), Kind::Exists);
}

TEST(Download, ResumesWithARangeRequestAfterADroppedConnection) {
    TempDir tmp;
    HttpTestServer server(fixture_bytes());
    const auto entry = entry_for(server.url());  // no size, no checksum: the trial load decides
    const auto o = options_for(tmp.path());
    server.set_mode(HttpTestServer::Mode::DropHalf);
    EXPECT_EQ(kind_of([&] { ls::store::download_model(entry, o); }), Kind::Interrupted);
    const fs::path part = ls::store::partial_path(entry, o.models_dir);
    ASSERT_TRUE(fs::exists(part));
    const uint64_t kept = fs::file_size(part);
    EXPECT_EQ(kept, fixture_bytes().size() / 2);
    EXPECT_EQ(names_in(o.models_dir), std::vector<std::string>{"tiny.part"});

    server.set_mode(HttpTestServer::Mode::Normal);
    const auto r = ls::store::download_model(entry, o);
    EXPECT_TRUE(r.resumed);
    EXPECT_EQ(server.ranges_seen().back(), "bytes=" + std::to_string(kept) + "-");
    EXPECT_EQ(r.sha256, fixture_sha());
    EXPECT_EQ(ls::store::sha256_file(r.file), fixture_sha());
    EXPECT_EQ(names_in(o.models_dir), std::vector<std::string>{"tiny"});
}

TEST(Download, StartsAgainWhenTheServerIgnoresTheRange) {
    TempDir tmp;
    HttpTestServer server(fixture_bytes());
    auto entry = entry_for(server.url());
    entry.sha256 = fixture_sha();
    const auto o = options_for(tmp.path());
    server.set_mode(HttpTestServer::Mode::DropHalf);
    EXPECT_EQ(kind_of([&] { ls::store::download_model(entry, o); }), Kind::Interrupted);
    server.set_mode(HttpTestServer::Mode::IgnoreRange);
    const auto r = ls::store::download_model(entry, o);
    EXPECT_EQ(ls::store::sha256_file(r.file), fixture_sha());
}

TEST(Download, CancelKeepsThePartForAResume) {
    TempDir tmp;
    HttpTestServer server(fixture_bytes());
    const auto entry = entry_for(server.url());
    auto o = options_for(tmp.path());
    o.progress = [](const ls::store::Progress& p) { return p.received == 0; };
    EXPECT_EQ(kind_of([&] { ls::store::download_model(entry, o); }), Kind::Cancelled);
    EXPECT_FALSE(fs::exists(fs::path(o.models_dir) / "tiny"));
    o.progress = nullptr;
    const auto r = ls::store::download_model(entry, o);
    EXPECT_EQ(r.sha256, fixture_sha());
}

TEST(Download, RefusesACorruptFileAndKeepsNothing) {
    TempDir tmp;
    std::vector<uint8_t> corrupt = fixture_bytes();
    for (size_t i = 0; i < 4096; ++i) corrupt[i] ^= 0x5a;  // the zip's headers are gone
    HttpTestServer server(corrupt);
    const auto entry = entry_for(server.url());
    const auto o = options_for(tmp.path());
    try {
        ls::store::download_model(entry, o);
        FAIL() << "a corrupt file was installed";
    } catch (const DownloadError& e) {
        EXPECT_EQ(e.kind(), Kind::Refused);
        EXPECT_NE(std::string(e.what()).find("not a model"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(names_in(o.models_dir).empty());
}

TEST(Download, RefusesAWrongChecksumOrSize) {
    TempDir tmp;
    HttpTestServer server(fixture_bytes());
    auto entry = entry_for(server.url());
    const auto o = options_for(tmp.path());
    entry.sha256 = std::string(64, '0');
    EXPECT_EQ(kind_of([&] { ls::store::download_model(entry, o); }), Kind::Refused);
    EXPECT_TRUE(names_in(o.models_dir).empty());
    entry.sha256.reset();
    entry.size = fixture_bytes().size() + 10;  // the server's file is shorter
    EXPECT_EQ(kind_of([&] { ls::store::download_model(entry, o); }), Kind::Refused);
    EXPECT_TRUE(names_in(o.models_dir).empty());
    EXPECT_FALSE(fs::exists(fs::path(o.models_dir) / "tiny"));
}

TEST(Download, NoServerSaysOfflineAndSuggestsImporting) {
    TempDir tmp;
    const auto entry =
        entry_for("http://127.0.0.1:" + std::to_string(ls::test::closed_port()) + "/m.pt");
    try {
        ls::store::download_model(entry, options_for(tmp.path()));
        FAIL() << "no error without a server";
    } catch (const DownloadError& e) {
        EXPECT_EQ(e.kind(), Kind::Offline);
        EXPECT_NE(std::string(e.what()).find("models import"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(names_in(tmp.path() / "models").empty());
}

TEST(Download, HttpErrorsAndUnreadableFormats) {
    TempDir tmp;
    HttpTestServer server(fixture_bytes());
    auto entry = entry_for(server.url());
    const auto o = options_for(tmp.path());
    server.set_mode(HttpTestServer::Mode::NotFound);
    EXPECT_EQ(kind_of([&] { ls::store::download_model(entry, o); }), Kind::Http);
    EXPECT_TRUE(names_in(o.models_dir).empty());
    entry.loadable = false;
    EXPECT_EQ(kind_of([&] { ls::store::download_model(entry, o); }), Kind::Unsupported);
}

TEST(Import, CopiesAModelWithAManifest) {
    TempDir tmp;
    ls::store::ImportOptions o;
    o.models_dir = (tmp.path() / "models").string();
    o.trial_load = engine_trial_load;
    const auto r = ls::store::import_model(kFixture, o);
    EXPECT_EQ(fs::path(r.folder).filename(), "rosinality_tiny64");
    EXPECT_FALSE(fs::is_symlink(r.file));
    EXPECT_EQ(r.sha256, fixture_sha());
    EXPECT_EQ(ls::read_manifest(r.folder).alignment, "ffhq");
    EXPECT_EQ(ls::load_model(r.folder).generator->config().resolution, 64);

    o.name = "linked";
    o.link = true;
    o.alignment = "centre";
    const auto l = ls::store::import_model(kFixture, o);
    EXPECT_TRUE(fs::is_symlink(l.file));
    EXPECT_EQ(ls::read_manifest(l.folder).alignment, "centre");
    EXPECT_EQ(ls::store::list_installed(o.models_dir).size(), 2u);
    EXPECT_TRUE(ls::store::list_installed(o.models_dir)[0].link);  // "linked" sorts first
}

TEST(Import, RefusesHostileFilesAndLeavesNothing) {
    TempDir tmp;
    const fs::path fake = tmp.path() / "evil.pkl";
    std::ofstream(fake) << "cos\nsystem\n(S'echo pwned'\ntR.\n";  // a pickle that runs a command
    const fs::path text = tmp.path() / "notes.pkl";
    std::ofstream(text) << "just some text, not a network\n";
    ls::store::ImportOptions o;
    o.models_dir = (tmp.path() / "models").string();
    o.trial_load = engine_trial_load;
    for (const fs::path& f : {fake, text}) {
        EXPECT_EQ(kind_of([&] { ls::store::import_model(f.string(), o); }), Kind::Refused) << f;
    }
    const fs::path other = tmp.path() / "model.txt";
    fs::copy_file(kFixture, other);
    EXPECT_EQ(kind_of([&] { ls::store::import_model(other.string(), o); }), Kind::Refused);
    o.name = "../escape";
    EXPECT_EQ(kind_of([&] { ls::store::import_model(kFixture, o); }), Kind::Refused);
    EXPECT_TRUE(names_in(o.models_dir).empty());
}

TEST(Download, ASecondDownloadOfTheSameModelIsRefusedWhileTheFirstRuns) {
    TempDir tmp;
    HttpTestServer server(fixture_bytes());
    const auto entry = entry_for(server.url());
    const auto o = options_for(tmp.path());
    fs::create_directories(o.models_dir);
    const std::string part = ls::store::partial_path(entry, o.models_dir);
    // Another process's download holds a lock on the .part.
    const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0);
    EXPECT_EQ(kind_of([&] { ls::store::download_model(entry, o); }), Kind::Busy);
    ::close(fd);
    EXPECT_EQ(ls::store::download_model(entry, o).sha256, fixture_sha());
}

TEST(Download, AResumeOfAFileThatChangedOnTheServerStartsAgain) {
    TempDir tmp;
    std::vector<uint8_t> old_version = fixture_bytes();
    old_version[old_version.size() / 4] ^= 1;  // in the half that the first attempt keeps
    HttpTestServer server(old_version);
    server.set_body(old_version, "\"v1\"");
    const auto entry = entry_for(server.url());  // no checksum: only If-Range can tell
    const auto o = options_for(tmp.path());
    server.set_mode(HttpTestServer::Mode::DropHalf);
    EXPECT_EQ(kind_of([&] { ls::store::download_model(entry, o); }), Kind::Interrupted);
    EXPECT_EQ(names_in(o.models_dir),
              (std::vector<std::string>{"tiny.part", "tiny.part.validator"}));

    server.set_body(fixture_bytes(), "\"v2\"");  // the publisher replaced the file
    server.set_mode(HttpTestServer::Mode::Normal);
    const auto r = ls::store::download_model(entry, o);
    EXPECT_EQ(ls::store::sha256_file(r.file), fixture_sha());  // the new file, whole
    EXPECT_EQ(names_in(o.models_dir), std::vector<std::string>{"tiny"});
}
