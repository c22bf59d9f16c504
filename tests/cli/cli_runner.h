// Running latent-studio-cli from a test, in a fresh temporary folder.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ls::test {

struct CliResult {
    int exit_code = -1;
    std::string out, err;
};

// Runs the CLI with `args` (each passed as one argument) and collects its output.
CliResult run_cli(const std::vector<std::string>& args);

// A temporary folder removed at the end of the test.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    std::filesystem::path path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

std::string fixture(const std::string& relative);
void write_bytes(const std::string& path, const std::string& bytes);
std::string read_bytes(const std::string& path);
size_t count_lines(const std::string& text);

}  // namespace ls::test
