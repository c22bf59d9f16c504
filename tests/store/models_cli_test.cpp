// `latent-studio-cli models ...` end to end: the real binary against a server on 127.0.0.1.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "http_test_server.h"
#include "io/npy.h"

namespace fs = std::filesystem;
using ls::test::HttpTestServer;

namespace {

const std::string kFixture =
    std::string(LATENT_STUDIO_FIXTURES) + "/stylegan2/rosinality_tiny64.pt";

struct CliRun {
    int code = -1;
    std::string out, err;
};

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

class CliTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = fs::temp_directory_path() / ("ls-models-cli-" + std::to_string(rd()));
        fs::create_directories(dir_ / "models");
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    // A catalogue with one entry, "tiny", at `url`.
    std::string catalog(const std::string& url) {
        const nlohmann::json j = {{"models",
                                   {{{"name", "tiny"},
                                     {"url", url},
                                     {"file", "tiny.pt"},
                                     {"format", "rosinality-pt"},
                                     {"resolution", 64},
                                     {"alignment", "centre"},
                                     {"licence", "test"}}}}};
        std::ofstream(dir_ / "catalog.json") << j.dump();
        return (dir_ / "catalog.json").string();
    }
    std::vector<std::string> argv(std::vector<std::string> args) {
        args.insert(args.begin(), LATENT_STUDIO_CLI);
        return args;
    }
    // Runs the CLI; `while_running` (optional) is called with its pid until it returns true.
    CliRun run(const std::vector<std::string>& args,
               const std::function<bool(pid_t)>& while_running = nullptr) {
        const auto full = argv(args);
        std::vector<char*> c;
        for (const auto& a : full) c.push_back(const_cast<char*>(a.c_str()));
        c.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, (dir_ / "out").c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&fa, 2, (dir_ / "err").c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        pid_t pid = 0;
        EXPECT_EQ(posix_spawn(&pid, c[0], &fa, nullptr, c.data(), environ), 0);
        posix_spawn_file_actions_destroy(&fa);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (while_running && !while_running(pid) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        int status = 0;
        waitpid(pid, &status, 0);
        CliRun r;
        r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.out = slurp(dir_ / "out");
        r.err = slurp(dir_ / "err");
        return r;
    }
    std::string models() const { return (dir_ / "models").string(); }
    size_t error_lines(const std::string& err) const {
        size_t n = 0;
        std::istringstream s(err);
        for (std::string line; std::getline(s, line);)
            n += line.find("error:") != std::string::npos;
        return n;
    }

    fs::path dir_;
};

}  // namespace

TEST_F(CliTest, DownloadsListsAndRefusesASecondCopy) {
    HttpTestServer server(ls::io::read_file_bytes(kFixture));
    const std::string cat = catalog(server.url());
    CliRun r = run({"models", "download", "tiny", "--catalog", cat, "--dir", models()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("downloading tiny"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::is_regular_file(dir_ / "models" / "tiny" / "manifest.json"));
    r = run({"models", "list", "--json", "--catalog", cat, "--dir", models()});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_TRUE(j["available"][0]["installed"].get<bool>());
    EXPECT_EQ(j["installed"][0]["name"], "tiny");
    r = run({"info", "--model", (dir_ / "models" / "tiny").string()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["name"], "tiny");
    r = run({"models", "download", "tiny", "--catalog", cat, "--dir", models()});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(error_lines(r.err), 1u) << r.err;
}

TEST_F(CliTest, DroppedConnectionThenResume) {
    HttpTestServer server(ls::io::read_file_bytes(kFixture));
    const std::string cat = catalog(server.url());
    server.set_mode(HttpTestServer::Mode::DropHalf);
    CliRun r = run({"models", "download", "tiny", "--catalog", cat, "--dir", models()});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("resume"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "models" / "tiny"));
    server.set_mode(HttpTestServer::Mode::Normal);
    r = run({"models", "download", "tiny", "--catalog", cat, "--dir", models()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(nlohmann::json::parse(r.out)["resumed"].get<bool>());
}

TEST_F(CliTest, CtrlCKeepsThePartAndInstallsNothing) {
    HttpTestServer server(ls::io::read_file_bytes(kFixture));
    const std::string cat = catalog(server.url());
    server.set_mode(HttpTestServer::Mode::Stall);
    const fs::path part = dir_ / "models" / "tiny.part";
    const CliRun r =
        run({"models", "download", "tiny", "--catalog", cat, "--dir", models()}, [&](pid_t pid) {
            std::error_code ec;
            if (fs::file_size(part, ec) == 0 || ec) return false;
            kill(pid, SIGINT);
            return true;
        });
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("cancelled"), std::string::npos) << r.err;
    EXPECT_GT(fs::file_size(part), 0u);
    EXPECT_FALSE(fs::exists(dir_ / "models" / "tiny"));
}

TEST_F(CliTest, OfflineAndHostileImportsAreOneLineErrors) {
    const std::string cat =
        catalog("http://127.0.0.1:" + std::to_string(ls::test::closed_port()) + "/m.pt");
    CliRun r = run({"models", "download", "tiny", "--catalog", cat, "--dir", models()});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(error_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("models import"), std::string::npos) << r.err;
    std::ofstream(dir_ / "notes.pkl") << "not a network\n";
    r = run({"models", "import", (dir_ / "notes.pkl").string(), "--dir", models()});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(error_lines(r.err), 1u) << r.err;
    EXPECT_TRUE(fs::is_empty(dir_ / "models"));
    r = run({"models", "import", kFixture, "--name", "mine", "--link", "--dir", models()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(dir_ / "models" / "mine" / "rosinality_tiny64.pt"));
    r = run({"models", "download", "nothing-like-it", "--catalog", cat, "--dir", models()});
    EXPECT_EQ(r.code, 3);
    r = run({"models"});
    EXPECT_EQ(r.code, 2);
}
