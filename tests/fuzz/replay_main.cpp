// fuzz_replay TARGET PATH...: feeds every file under the given files and folders to one fuzz
// target (torch_file, pickle or npy), the way libFuzzer replays a corpus. Built with any
// compiler, so that ctest keeps the seed corpus and the regressions passing without clang.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int ls_fuzz_torch_file(const uint8_t* data, size_t size);
extern "C" int ls_fuzz_pickle(const uint8_t* data, size_t size);
extern "C" int ls_fuzz_npy(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

namespace {

using Target = int (*)(const uint8_t*, size_t);

Target target_named(const std::string& name) {
    if (name == "torch_file") return ls_fuzz_torch_file;
    if (name == "pickle") return ls_fuzz_pickle;
    if (name == "npy") return ls_fuzz_npy;
    return nullptr;
}

// The files under `path` in a stable order; hidden files (.gitkeep) are skipped.
std::vector<fs::path> inputs_under(const fs::path& path) {
    std::vector<fs::path> files;
    if (fs::is_regular_file(path)) return {path};
    for (const auto& entry : fs::recursive_directory_iterator(path))
        if (entry.is_regular_file() && entry.path().filename().string()[0] != '.')
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    const Target target = argc >= 3 ? target_named(argv[1]) : nullptr;
    if (target == nullptr) {
        std::fprintf(stderr, "usage: fuzz_replay torch_file|pickle|npy FILE_OR_FOLDER...\n");
        return 2;
    }
    size_t count = 0;
    for (int k = 2; k < argc; ++k) {
        if (!fs::exists(argv[k])) {
            std::fprintf(stderr, "fuzz_replay: %s does not exist\n", argv[k]);
            return 2;
        }
        for (const fs::path& file : inputs_under(argv[k])) {
            std::ifstream in(file, std::ios::binary);
            const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
            target(bytes.data(), bytes.size());
            ++count;
        }
    }
    std::printf("fuzz_replay %s: %zu inputs, no crash\n", argv[1], count);
    return 0;
}
