// Shared by the reader tests: fixture paths, a scratch folder, and a small builder for
// pickles written by hand (hostile or malformed ones that Python would never write).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/value.h"

namespace ls::io::test {

inline std::string fixture(const std::string& relative) {
    return std::string(LATENT_STUDIO_FIXTURES) + "/" + relative;
}

inline std::vector<uint8_t> bytes_of(const std::string& s) {
    return std::vector<uint8_t>(s.begin(), s.end());
}

inline void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << path;
}

inline std::vector<uint8_t> read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline bool exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

// A fresh folder under $TMPDIR, removed with everything in it when the test ends.
class ScratchDir {
  public:
    ScratchDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/ls-io-test-XXXXXX";
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        const char* made = ::mkdtemp(buf.data());
        path_ = made ? made : "";
    }
    ~ScratchDir() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

// Pickle opcodes written one by one: B().proto(2).global("os", "system")...
class B {
  public:
    B& raw(const std::string& bytes) {
        out_ += bytes;
        return *this;
    }
    B& op(uint8_t code) {
        out_ += static_cast<char>(code);
        return *this;
    }
    B& proto(int v) { return op(0x80).op(static_cast<uint8_t>(v)); }
    B& mark() { return op('('); }
    B& stop() { return op('.'); }
    B& tuple() { return op('t'); }
    B& reduce() { return op('R'); }
    B& build() { return op('b'); }
    B& global(const std::string& module, const std::string& name) {
        return op('c').raw(module + "\n" + name + "\n");
    }
    B& str(const std::string& s) {  // BINUNICODE
        op('X');
        le(static_cast<uint64_t>(s.size()), 4);
        return raw(s);
    }
    B& integer(int32_t v) {  // BININT
        op('J');
        return le(static_cast<uint32_t>(v), 4);
    }
    B& le(uint64_t v, int n) {
        for (int k = 0; k < n; ++k) out_ += static_cast<char>((v >> (8 * k)) & 0xff);
        return *this;
    }
    std::vector<uint8_t> bytes() const { return bytes_of(out_); }
    const std::string& str() const { return out_; }

  private:
    std::string out_;
};

}  // namespace ls::io::test
