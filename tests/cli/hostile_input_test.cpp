// Broken and hostile inputs: each gets exit code 3 and one line on stderr, writes no output
// file and executes nothing.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_runner.h"
#include "io/npy.h"

namespace fs = std::filesystem;

namespace ls {
namespace {

using test::fixture;
using test::run_cli;
using test::TempDir;

// A pickle (protocol 2) that calls `module.name(argument)` through GLOBAL and REDUCE.
std::string pickle_calling(const std::string& module, const std::string& name,
                           const std::string& argument) {
    std::string p = "\x80\x02";
    p += "c" + module + "\n" + name + "\n";
    p += "X";
    const uint32_t len = static_cast<uint32_t>(argument.size());
    p.append(reinterpret_cast<const char*>(&len), 4);
    p += argument;
    p += "\x85R.";  // TUPLE1, REDUCE, STOP
    return p;
}

// The same through STACK_GLOBAL (protocol 4).
std::string pickle_stack_global(const std::string& module, const std::string& name,
                                const std::string& argument) {
    auto unicode = [](const std::string& s) {
        return std::string("\x8c") + static_cast<char>(s.size()) + s;  // SHORT_BINUNICODE
    };
    std::string p = "\x80\x04";
    p += unicode(module) + unicode(name) + "\x93";  // STACK_GLOBAL
    p += unicode(argument) + "\x85R.";
    return p;
}

void expect_refused(const std::vector<std::string>& args, const std::string& output,
                    const std::string& expected_text = "") {
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(test::count_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
    if (!expected_text.empty()) {
        EXPECT_NE(r.err.find(expected_text), std::string::npos) << r.err;
    }
    EXPECT_FALSE(fs::exists(output)) << "an output file was written for a refused input";
}

std::vector<std::string> generate(const std::string& model, const std::string& out) {
    return {"generate", "--model", model, "--seed", "1", "--out", out};
}

TEST(HostileInput, PickleCallingOsSystemIsRefusedAndNothingRuns) {
    TempDir tmp;
    const std::string marker = tmp / "pwned";
    test::write_bytes(tmp / "evil.pkl", pickle_calling("os", "system", "touch " + marker));
    test::write_bytes(tmp / "evil2.pkl", pickle_calling("posix", "system", "touch " + marker));
    test::write_bytes(tmp / "evil3.pt",
                      pickle_stack_global("builtins", "eval", "open('" + marker + "', 'w')"));
    expect_refused(generate(tmp / "evil.pkl", tmp / "a.png"), tmp / "a.png", "os.system");
    expect_refused(generate(tmp / "evil2.pkl", tmp / "a.png"), tmp / "a.png", "posix.system");
    expect_refused(generate(tmp / "evil3.pt", tmp / "a.png"), tmp / "a.png", "builtins.eval");
    expect_refused({"info", tmp / "evil.pkl"}, tmp / "none");
    EXPECT_FALSE(fs::exists(marker));
}

TEST(HostileInput, TruncatedCheckpointsAreRefused) {
    TempDir tmp;
    for (const std::string name :
         {"rosinality_tiny64.pt", "rosinality_tiny64_legacy.pt", "ada_tiny64.pkl"}) {
        const std::string bytes = test::read_bytes(fixture(name));
        for (double fraction : {0.001, 0.5, 0.999}) {
            const std::string cut = tmp / ("cut_" + name);
            test::write_bytes(cut, bytes.substr(0, static_cast<size_t>(bytes.size() * fraction)));
            expect_refused(generate(cut, tmp / "a.png"), tmp / "a.png");
        }
    }
}

TEST(HostileInput, EmptyFilesDirectoriesAndMissingFilesAreRefused) {
    TempDir tmp;
    test::write_bytes(tmp / "empty.pt", "");
    fs::create_directories(tmp.path() / "folder.pt");
    test::write_bytes(tmp / "text.pkl", "this is not a checkpoint\n");
    expect_refused(generate(tmp / "empty.pt", tmp / "a.png"), tmp / "a.png");
    expect_refused(generate(tmp / "folder.pt", tmp / "a.png"), tmp / "a.png");
    expect_refused(generate(tmp / "missing.pt", tmp / "a.png"), tmp / "a.png");
    expect_refused(generate(tmp / "text.pkl", tmp / "a.png"), tmp / "a.png");
}

TEST(HostileInput, ZipWithAMissingRecordIsRefused) {
    TempDir tmp;
    // Rename one storage record inside the archive (same length, so the zip stays valid):
    // the checkpoint then refers to a record that is not there.
    std::string bytes = test::read_bytes(fixture("rosinality_tiny64.pt"));
    const std::string from = "rosinality_tiny64/data/17";
    size_t pos = 0;
    int renamed = 0;
    while ((pos = bytes.find(from, pos)) != std::string::npos) {
        if (pos + from.size() < bytes.size() &&
            std::isdigit(static_cast<unsigned char>(bytes[pos + from.size()]))) {
            pos += from.size();
            continue;  // data/170 etc.
        }
        bytes.replace(pos, from.size(), "rosinality_tiny64/data/x7");
        ++renamed;
        pos += from.size();
    }
    ASSERT_GE(renamed, 2);  // the local header and the central directory
    test::write_bytes(tmp / "missing_record.pt", bytes);
    expect_refused(generate(tmp / "missing_record.pt", tmp / "a.png"), tmp / "a.png", "17");
}

TEST(HostileInput, CodesOfTheWrongShapeAreRefused) {
    TempDir tmp;
    io::NpyArray wrong;
    wrong.shape = {4, 32};
    wrong.data.assign(4 * 32, 0.5f);
    io::write_npy(tmp / "z32.npy", wrong);
    expect_refused({"generate", "--model", fixture("ada_tiny64.pkl"), "--z", tmp / "z32.npy",
                    "--out", tmp / "a.png", "--out-npy", tmp / "a.npy"},
                   tmp / "a.png", "[4, 32]");
    EXPECT_FALSE(fs::exists(tmp / "a.npy"));
    io::NpyArray wplus;
    wplus.shape = {1, 9, 64};
    wplus.data.assign(9 * 64, 0.1f);
    io::write_npy(tmp / "wp.npy", wplus);
    expect_refused({"generate", "--model", fixture("ada_tiny64.pkl"), "--wplus", tmp / "wp.npy",
                    "--out-npy", tmp / "b.npy"},
                   tmp / "b.npy", "[1, 9, 64]");
    test::write_bytes(tmp / "junk.npy", "\x93NUMPY\x01\x00garbage");
    expect_refused({"generate", "--model", fixture("ada_tiny64.pkl"), "--z", tmp / "junk.npy",
                    "--out-npy", tmp / "c.npy"},
                   tmp / "c.npy");
    expect_refused({"discriminate", "--model", fixture("ada_tiny64.pkl"), "--images",
                    tmp / "wp.npy", "--out-npy", tmp / "d.npy"},
                   tmp / "d.npy");
}

}  // namespace
}  // namespace ls
