#include "cli_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace ls::test {

namespace {
std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}
}  // namespace

CliResult run_cli(const std::vector<std::string>& args) {
    TempDir io;
    std::string cmd = shell_quote(LATENT_STUDIO_CLI);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " </dev/null >" + shell_quote(io / "out") + " 2>" + shell_quote(io / "err");
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_bytes(io / "out");
    r.err = read_bytes(io / "err");
    return r;
}

TempDir::TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("latent-studio-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string fixture(const std::string& relative) {
    return std::string(LATENT_STUDIO_FIXTURES) + "/stylegan2/" + relative;
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary);
    f << bytes;
}

std::string read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

size_t count_lines(const std::string& text) {
    size_t n = 0;
    for (char c : text) n += c == '\n';
    if (!text.empty() && text.back() != '\n') ++n;
    return n;
}

}  // namespace ls::test
