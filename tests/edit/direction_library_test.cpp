// The direction library: round trip through library.json and .npy files, imports of files
// NumPy wrote (wrong shapes refused with nothing changed), atomic writes, manifest directions.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "edit/direction_library.h"
#include "io/npy.h"
#include "io/value.h"

namespace fs = std::filesystem;

namespace ls::edit {
namespace {

// The reference model of tests/data/stylegan2/ada_32_clamp0.5_fp16res2: 8 layers of w 16.
constexpr int kNumWs = 8, kWDim = 16;
const std::string kData =
    std::string(LATENT_STUDIO_TEST_DATA) + "/stylegan2/ada_32_clamp0.5_fp16res2";

class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "ls-library-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::set<std::string> listing(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

LibraryEntry vector_entry(const std::string& name, float seed) {
    LibraryEntry e;
    e.name = name;
    e.shape = {kWDim};
    for (int i = 0; i < kWDim; ++i) e.values.push_back(std::sin(seed + float(i)));
    e.first_layer = 2;
    e.last_layer = 5;
    e.scale = 3.5;
    e.description = "made by a test";
    return e;
}

LibraryEntry per_layer_entry(const std::string& name) {
    LibraryEntry e;
    e.name = name;
    e.shape = {kNumWs, kWDim};
    for (int i = 0; i < kNumWs * kWDim; ++i) e.values.push_back(0.01f * float(i % 37) - 0.1f);
    e.first_layer = 0;
    e.last_layer = kNumWs - 1;
    return e;
}

TEST(DirectionLibrary, RoundTripThroughItsFiles) {
    TempDir dir;
    const fs::path folder = dir.path() / "lib";
    std::vector<LibraryEntry> written;
    {
        DirectionLibrary lib(folder.string(), kNumWs, kWDim);
        EXPECT_TRUE(lib.entries().empty());
        EXPECT_FALSE(fs::exists(folder)) << "opening alone writes nothing";
        EXPECT_EQ(lib.add(vector_entry("smile", 1)), 0u);
        EXPECT_EQ(lib.add(per_layer_entry("pair")), 1u);
        EXPECT_EQ(lib.add(vector_entry("age", 2)), 2u);
        lib.rename(0, "smile (middle)");
        lib.set_layers(1, 4, 7);
        lib.set_scale(1, 1.25);
        lib.remove(2);
        written = lib.entries();
    }
    DirectionLibrary lib(folder.string(), kNumWs, kWDim);
    EXPECT_TRUE(lib.problems().empty());
    ASSERT_EQ(lib.entries().size(), 2u);
    const LibraryEntry a = vector_entry("smile", 1), b = per_layer_entry("pair");
    EXPECT_EQ(lib.entries()[0].name, "smile (middle)");
    // A single vector is kept as its unit direction, bit for bit across a reopening.
    EXPECT_EQ(lib.entries()[0].values, written[0].values);
    double norm = 0, dot = 0;
    for (int k = 0; k < kWDim; ++k) {
        norm += double(written[0].values[size_t(k)]) * written[0].values[size_t(k)];
        dot += double(written[0].values[size_t(k)]) * a.values[size_t(k)];
    }
    EXPECT_NEAR(norm, 1.0, 1e-6);
    EXPECT_GT(dot, 0);
    EXPECT_EQ(lib.entries()[0].shape, a.shape);
    EXPECT_EQ(lib.entries()[0].first_layer, 2);
    EXPECT_EQ(lib.entries()[0].last_layer, 5);
    EXPECT_EQ(lib.entries()[0].scale, 3.5);
    EXPECT_EQ(lib.entries()[0].description, "made by a test");
    EXPECT_EQ(lib.entries()[1].values, b.values);
    EXPECT_EQ(lib.entries()[1].shape, (std::vector<int64_t>{kNumWs, kWDim}));
    EXPECT_EQ(lib.entries()[1].first_layer, 4);
    EXPECT_EQ(lib.entries()[1].last_layer, 7);
    EXPECT_EQ(lib.entries()[1].scale, 1.25);
    // The removed direction's file is gone; nothing else lies in the folder.
    EXPECT_EQ(listing(folder), (std::set<std::string>{"library.json", lib.entries()[0].file,
                                                      lib.entries()[1].file}));

    // Export: [w_dim] float32, as NumPy reads it.
    const fs::path out = dir.path() / "smile.npy";
    lib.export_npy(0, out.string());
    const io::NpyArray read = io::read_npy(out.string());
    EXPECT_EQ(read.shape, (std::vector<int64_t>{kWDim}));
    EXPECT_EQ(read.data, written[0].values);
    EXPECT_NE(slurp(out).find("'descr': '<f4'"), std::string::npos);
}

TEST(DirectionLibrary, ImportsWhatNumPyWroteAndRefusesWrongShapesChangingNothing) {
    TempDir dir;
    const fs::path folder = dir.path() / "lib";
    DirectionLibrary lib(folder.string(), kNumWs, kWDim);
    lib.add(vector_entry("first", 1));
    const std::string json_before = slurp(folder / "library.json");
    const auto files_before = listing(folder);

    // z.npy is [4, 24] and wplus.npy [4, 8, 16], both written by NumPy.
    for (const char* name : {"z.npy", "wplus.npy"}) {
        try {
            lib.import_npy(kData + "/" + name, "wrong");
            FAIL() << name << " was imported";
        } catch (const DirectionError& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find(name), std::string::npos) << message;
            EXPECT_NE(message.find("has shape ["), std::string::npos) << message;
            EXPECT_NE(message.find("[16], [1, 16] or per layer [8, 16]"), std::string::npos)
                << message;
        }
        EXPECT_EQ(lib.entries().size(), 1u);
        EXPECT_EQ(slurp(folder / "library.json"), json_before);
        EXPECT_EQ(listing(folder), files_before);
    }

    // w_avg.npy is [16]: a direction, kept as the unit vector along it.
    const size_t i = lib.import_npy(kData + "/w_avg.npy", "mean");
    const io::NpyArray w_avg = io::read_npy(kData + "/w_avg.npy");
    double norm = 0, dot = 0;
    for (int k = 0; k < kWDim; ++k) {
        norm += double(lib.entries()[i].values[size_t(k)]) * lib.entries()[i].values[size_t(k)];
        dot += double(lib.entries()[i].values[size_t(k)]) * w_avg.data[size_t(k)];
    }
    EXPECT_NEAR(norm, 1.0, 1e-6);
    EXPECT_GT(dot, 0);
    EXPECT_EQ(lib.entries()[i].first_layer, 0);
    EXPECT_EQ(lib.entries()[i].last_layer, kNumWs - 1);

    // [1, w_dim] (an InterFaceGAN boundary) and [num_ws, w_dim] (per layer) are directions.
    io::write_npy((dir.path() / "boundary.npy").string(),
                  {{1, kWDim}, vector_entry("b", 3).values});
    io::write_npy((dir.path() / "layers.npy").string(),
                  {{kNumWs, kWDim}, per_layer_entry("p").values});
    EXPECT_EQ(lib.entries()[lib.import_npy((dir.path() / "boundary.npy").string(), "b")].shape,
              (std::vector<int64_t>{kWDim}));
    EXPECT_EQ(lib.entries()[lib.import_npy((dir.path() / "layers.npy").string(), "p")].shape,
              (std::vector<int64_t>{kNumWs, kWDim}));
    // A zero direction is refused.
    io::write_npy((dir.path() / "zero.npy").string(), {{kWDim}, std::vector<float>(kWDim, 0.f)});
    EXPECT_THROW(lib.import_npy((dir.path() / "zero.npy").string(), "zero"), DirectionError);
    EXPECT_EQ(lib.entries().size(), 4u);
}

TEST(DirectionLibrary, WritesAtomicallyAndAFailedWriteChangesNothing) {
    TempDir dir;
    const fs::path folder = dir.path() / "lib";
    DirectionLibrary lib(folder.string(), kNumWs, kWDim);
    lib.add(vector_entry("one", 1));
    struct stat before {};
    ASSERT_EQ(::stat((folder / "library.json").c_str(), &before), 0);
    lib.rename(0, "renamed");
    struct stat after {};
    ASSERT_EQ(::stat((folder / "library.json").c_str(), &after), 0);
    // A new file renamed over the old one, not the old one rewritten in place.
    EXPECT_NE(before.st_ino, after.st_ino);
    EXPECT_EQ(listing(folder).size(), 2u) << "no temporary file is left behind";

    // library.json cannot be replaced (a folder stands in its place): add() fails, removes the
    // .npy it wrote, and the entries in memory stay as they were.
    const std::string json_text = slurp(folder / "library.json");
    fs::rename(folder / "library.json", dir.path() / "saved.json");
    fs::create_directory(folder / "library.json");
    const auto files_before = listing(folder);
    EXPECT_THROW(lib.add(vector_entry("two", 2)), io::FormatError);
    EXPECT_THROW(lib.rename(0, "again"), io::FormatError);
    EXPECT_EQ(lib.entries().size(), 1u);
    EXPECT_EQ(lib.entries()[0].name, "renamed");
    EXPECT_EQ(listing(folder), files_before);
    fs::remove(folder / "library.json");
    fs::rename(dir.path() / "saved.json", folder / "library.json");
    EXPECT_EQ(DirectionLibrary(folder.string(), kNumWs, kWDim).entries()[0].name, "renamed");

    // Bad entries are refused before anything is written.
    LibraryEntry bad = vector_entry("bad", 1);
    bad.last_layer = kNumWs;
    EXPECT_THROW(lib.add(bad), DirectionError);
    bad = vector_entry("", 1);
    EXPECT_THROW(lib.add(bad), DirectionError);
    EXPECT_EQ(slurp(folder / "library.json"), json_text);
}

TEST(DirectionLibrary, ADamagedOrForeignLibraryIsReported) {
    TempDir dir;
    const fs::path folder = dir.path() / "lib";
    {
        DirectionLibrary lib(folder.string(), kNumWs, kWDim);
        lib.add(vector_entry("one", 1));
        lib.add(vector_entry("two", 2));
        fs::remove(folder / lib.entries()[1].file);
    }
    DirectionLibrary lib(folder.string(), kNumWs, kWDim);
    ASSERT_EQ(lib.entries().size(), 1u);
    ASSERT_EQ(lib.problems().size(), 1u);
    EXPECT_NE(lib.problems()[0].find("direction-2.npy"), std::string::npos) << lib.problems()[0];
    EXPECT_THROW(DirectionLibrary(folder.string(), kNumWs, 32), io::FormatError);
    std::ofstream(folder / "library.json") << "{ not json";
    EXPECT_THROW(DirectionLibrary(folder.string(), kNumWs, kWDim), io::FormatError);
}

TEST(DirectionLibrary, FolderIsKeyedByTheModelsPathAndSize) {
    TempDir dir;
    const fs::path model = dir.path() / "ffhq config-f.pt";
    std::ofstream(model) << "12345";
    const std::string a = library_folder("/root", model.string());
    EXPECT_EQ(a, library_folder("/root", model.string()));
    EXPECT_EQ(fs::path(a).parent_path(), "/root");
    EXPECT_EQ(fs::path(a).filename().string().rfind("ffhq_config-f-", 0), 0u) << a;
    std::ofstream(model) << "123456";
    EXPECT_NE(a, library_folder("/root", model.string())) << "another size, another library";
    EXPECT_NE(library_folder("/root", (dir.path() / "other.pt").string()),
              library_folder("/root", model.string()));
}

TEST(DirectionLibrary, ReadsTheDirectionsOfAManifest) {
    TempDir dir;
    fs::create_directories(dir.path() / "directions");
    io::write_npy((dir.path() / "directions/smile.npy").string(),
                  {{1, kWDim}, vector_entry("s", 4).values});
    const fs::path manifest = dir.path() / "manifest.json";
    std::ofstream(manifest) << R"({"name": "default", "directions": [
        {"name": "smile", "file": "directions/smile.npy", "layers": [2, 5], "scale": 3.0,
         "description": "mouth corners"}]})";
    const auto entries = read_manifest_directions(manifest.string(), kNumWs, kWDim);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].name, "smile");
    EXPECT_TRUE(entries[0].read_only);
    EXPECT_EQ(entries[0].first_layer, 2);
    EXPECT_EQ(entries[0].last_layer, 5);
    EXPECT_EQ(entries[0].scale, 3.0);
    EXPECT_EQ(entries[0].description, "mouth corners");
    EXPECT_EQ(entries[0].shape, (std::vector<int64_t>{kWDim}));

    std::ofstream(dir.path() / "none.json") << R"({"name": "no directions"})";
    EXPECT_TRUE(
        read_manifest_directions((dir.path() / "none.json").string(), kNumWs, kWDim).empty());
    std::ofstream(manifest) << R"({"directions": [{"name": "smile", "file": "directions/smile.npy",
                                   "layers": [2, 9]}]})";
    EXPECT_THROW(read_manifest_directions(manifest.string(), kNumWs, kWDim), io::FormatError);
    EXPECT_THROW(read_manifest_directions(manifest.string(), kNumWs, 32), io::FormatError);
}

}  // namespace
}  // namespace ls::edit
