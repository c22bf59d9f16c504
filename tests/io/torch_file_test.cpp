// torch.save files (zip and legacy) and NVIDIA network pickles: the shared fixtures, plus
// damaged and hostile files made here.
#include "io/torch_file.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cstring>
#include <functional>
#include <unordered_set>

#include "io/npy.h"
#include "test_support.h"

namespace ls::io {
namespace {

using Kind = Value::Kind;
using test::B;

const std::string kZip = "stylegan2/rosinality_tiny64.pt";
const std::string kLegacy = "stylegan2/rosinality_tiny64_legacy.pt";
const std::string kAda = "stylegan2/ada_tiny64.pkl";

std::string error_of(const std::function<void()>& load) {
    try {
        load();
    } catch (const FormatError& e) {
        const std::string message = e.what();
        EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
        return message;
    }
    ADD_FAILURE() << "expected a FormatError";
    return "";
}

std::string file_error(const std::string& path) {
    return error_of([&] { load_torch_file(path); });
}

std::string bytes_error(const std::vector<uint8_t>& bytes) {
    return error_of([&] { load_torch_bytes(bytes); });
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Writes a zip archive holding the given records (name, bytes), as torch.save would.
void write_zip(const std::string& path,
               const std::vector<std::pair<std::string, std::string>>& records) {
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    ASSERT_NE(archive, nullptr);
    for (const auto& [name, data] : records) {
        zip_source_t* source = zip_source_buffer(archive, data.data(), data.size(), 0);
        ASSERT_NE(source, nullptr);
        const zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE);
        ASSERT_GE(index, 0);
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    }
    ASSERT_EQ(zip_close(archive), 0);
}

// Edits an archive in place: `edit` gets it open for writing.
void edit_zip(const std::string& path, const std::function<void(zip_t*)>& edit) {
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), 0, &error);
    ASSERT_NE(archive, nullptr);
    edit(archive);
    ASSERT_EQ(zip_close(archive), 0);
}

std::string floats(const std::vector<float>& values) {
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4);
}

// data.pkl of a torch.save of one tensor: _rebuild_tensor_v2 over storage '0' of `numel`
// float32 elements, with the given size and stride.
std::string tensor_pickle(int numel, std::vector<int> size, std::vector<int> stride) {
    B b;
    b.proto(2)
        .global("torch._utils", "_rebuild_tensor_v2")
        .mark()
        .mark()
        .str("storage")
        .global("torch", "FloatStorage")
        .str("0")
        .str("cpu")
        .integer(numel)
        .tuple()
        .op('Q')
        .integer(0)
        .mark();
    for (int s : size) b.integer(s);
    b.tuple().mark();
    for (int s : stride) b.integer(s);
    b.tuple()
        .op(0x89)
        .global("collections", "OrderedDict")
        .op(')')
        .reduce()
        .tuple()
        .reduce()
        .stop();
    return b.str();
}

void expect_same_tensor(const ValuePtr& a, const ValuePtr& b, const std::string& key) {
    ASSERT_TRUE(a && a->is(Kind::Tensor)) << key;
    ASSERT_TRUE(b && b->is(Kind::Tensor)) << key;
    EXPECT_EQ(a->tensor->dtype, b->tensor->dtype) << key;
    EXPECT_EQ(a->tensor->shape, b->tensor->shape) << key;
    const auto x = a->tensor->to_float_vector();
    const auto y = b->tensor->to_float_vector();
    ASSERT_EQ(x.size(), y.size()) << key;
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(float)), 0) << key;
}

TEST(TorchFile, ZipFixture) {
    TorchFileFormat format;
    ValuePtr v = load_torch_file(test::fixture(kZip), &format);
    EXPECT_EQ(format, TorchFileFormat::Zip);
    ASSERT_TRUE(v->is(Kind::Dict));
    ASSERT_EQ(v->dict.size(), 3u);
    EXPECT_EQ(v->dict[0].first->s, "g_ema");
    EXPECT_EQ(v->dict[1].first->s, "latent_avg");
    EXPECT_EQ(v->dict[2].first->s, "d");
    const ValuePtr weight = v->get("g_ema")->get("style.1.weight");
    ASSERT_TRUE(weight && weight->is(Kind::Tensor));
    EXPECT_EQ(weight->tensor->dtype, DType::Float32);
    EXPECT_EQ(weight->tensor->shape, (std::vector<int64_t>{64, 64}));
    EXPECT_EQ(weight->tensor->strides, (std::vector<int64_t>{64, 1}));
    EXPECT_EQ(v->get("latent_avg")->tensor->shape, (std::vector<int64_t>{64}));
    EXPECT_GT(v->get("d")->dict.size(), 10u);
}

TEST(TorchFile, ZipAndLegacyHoldBitIdenticalTensors) {
    TorchFileFormat format;
    ValuePtr zip = load_torch_file(test::fixture(kZip));
    ValuePtr legacy = load_torch_file(test::fixture(kLegacy), &format);
    EXPECT_EQ(format, TorchFileFormat::Legacy);
    ASSERT_TRUE(legacy->is(Kind::Dict));
    ASSERT_EQ(legacy->dict.size(), 3u);
    expect_same_tensor(zip->get("latent_avg"), legacy->get("latent_avg"), "latent_avg");
    size_t compared = 0;
    for (const std::string part : {"g_ema", "d"}) {
        const ValuePtr a = zip->get(part);
        const ValuePtr b = legacy->get(part);
        ASSERT_TRUE(a && b && a->is(Kind::Dict) && b->is(Kind::Dict)) << part;
        ASSERT_EQ(a->dict.size(), b->dict.size()) << part;
        for (size_t k = 0; k < a->dict.size(); ++k) {
            const std::string& key = a->dict[k].first->s;
            EXPECT_EQ(key, b->dict[k].first->s);
            expect_same_tensor(a->dict[k].second, b->get(key), part + "." + key);
            ++compared;
        }
    }
    EXPECT_GT(compared, 100u);
}

TEST(TorchFile, LatentAvgMatchesTheNpyCase) {
    const NpyArray expected =
        read_npy(test::fixture("stylegan2/rosinality_tiny64_cases/latent_avg.npy"));
    EXPECT_EQ(expected.shape, (std::vector<int64_t>{64}));
    for (const std::string& file : {kZip, kLegacy}) {
        const auto actual =
            load_torch_file(test::fixture(file))->get("latent_avg")->tensor->to_float_vector();
        ASSERT_EQ(actual.size(), expected.data.size()) << file;
        EXPECT_EQ(std::memcmp(actual.data(), expected.data.data(), actual.size() * 4), 0) << file;
    }
}

TEST(TorchFile, AdaNetworkPickle) {
    TorchFileFormat format;
    ValuePtr v = load_torch_file(test::fixture(kAda), &format);
    EXPECT_EQ(format, TorchFileFormat::Pickle);
    ASSERT_TRUE(v->is(Kind::Dict));
    for (const char* key : {"G", "D", "G_ema", "augment_pipe", "training_set_kwargs"})
        EXPECT_TRUE(v->get(key)) << key;
    EXPECT_EQ(v->get("training_set_kwargs")->get("resolution")->as_int("resolution"), 64);

    const ValuePtr g = v->get("G_ema");
    ASSERT_TRUE(g->is(Kind::Object));
    EXPECT_EQ(g->class_name, "Generator");
    const ValuePtr kwargs = g->get("_init_kwargs");
    ASSERT_TRUE(kwargs && kwargs->is(Kind::Dict));
    EXPECT_EQ(kwargs->get("z_dim")->as_int("z_dim"), 64);
    EXPECT_EQ(kwargs->get("w_dim")->as_int("w_dim"), 64);
    EXPECT_EQ(kwargs->get("img_resolution")->as_int("img_resolution"), 64);

    const ValuePtr modules = g->get("_modules");
    ASSERT_TRUE(modules && modules->is(Kind::Dict));
    const ValuePtr synthesis = modules->get("synthesis");
    ASSERT_TRUE(synthesis && synthesis->is(Kind::Object));
    EXPECT_EQ(synthesis->class_name, "SynthesisNetwork");
    const ValuePtr b4 = synthesis->get("_modules")->get("b4");
    ASSERT_TRUE(b4 && b4->is(Kind::Object));
    const ValuePtr constant = b4->get("_parameters")->get("const");
    ASSERT_TRUE(constant && constant->is(Kind::Tensor));
    EXPECT_EQ(constant->tensor->shape, (std::vector<int64_t>{64, 4, 4}));

    const ValuePtr mapping = modules->get("mapping");
    ASSERT_TRUE(mapping && mapping->is(Kind::Object));
    const ValuePtr w_avg = mapping->get("_buffers")->get("w_avg");
    ASSERT_TRUE(w_avg && w_avg->is(Kind::Tensor));
    const NpyArray expected = read_npy(test::fixture("stylegan2/ada_tiny64_cases/w_avg.npy"));
    const auto actual = w_avg->tensor->to_float_vector();
    ASSERT_EQ(actual.size(), expected.data.size());
    EXPECT_EQ(std::memcmp(actual.data(), expected.data.data(), actual.size() * 4), 0);

    // The NumPy scalar weight_gain (np.float64) of a fully connected layer.
    const ValuePtr fc = mapping->get("_modules")->get("fc0");
    ASSERT_TRUE(fc && fc->is(Kind::Object));
    EXPECT_GT(fc->get("weight_gain")->as_number("weight_gain"), 0.0);
}

// Every tensor of the network pickle converts: the storages embedded through
// _load_from_bytes are complete.
TEST(TorchFile, AdaTensorsAllConvert) {
    ValuePtr root = load_torch_file(test::fixture(kAda));
    std::vector<ValuePtr> todo = {root};
    std::unordered_set<const Value*> seen;
    size_t tensors = 0;
    int64_t elements = 0;
    while (!todo.empty()) {
        ValuePtr v = todo.back();
        todo.pop_back();
        if (!v || !seen.insert(v.get()).second) continue;
        if (v->is(Kind::Tensor)) {
            elements += static_cast<int64_t>(v->tensor->to_float_vector().size());
            ++tensors;
        }
        for (const auto& item : v->items) todo.push_back(item);
        for (const auto& [k, x] : v->dict) todo.push_back(x);
        if (v->state) todo.push_back(v->state);
    }
    EXPECT_GT(tensors, 100u);
    EXPECT_GT(elements, 500000);
}

TEST(TorchFile, BytesDetectTheFormat) {
    TorchFileFormat format;
    load_torch_bytes(read_file_bytes(test::fixture(kZip)), &format);
    EXPECT_EQ(format, TorchFileFormat::Zip);
    load_torch_bytes(read_file_bytes(test::fixture(kLegacy)), &format);
    EXPECT_EQ(format, TorchFileFormat::Legacy);
    load_torch_bytes(read_file_bytes(test::fixture(kAda)), &format);
    EXPECT_EQ(format, TorchFileFormat::Pickle);
    EXPECT_TRUE(contains(bytes_error(test::bytes_of("<html>")), "unknown format"));
    EXPECT_TRUE(contains(bytes_error({}), "empty"));
}

TEST(TorchFileErrors, MissingEmptyAndDirectory) {
    test::ScratchDir dir;
    EXPECT_EQ(file_error(dir / "missing.pt"),
              "cannot read '" + (dir / "missing.pt") + "': no such file");
    EXPECT_EQ(file_error(dir.path()), "cannot read '" + dir.path() + "': it is a directory");
    test::write_file(dir / "empty.pt", {});
    EXPECT_EQ(file_error(dir / "empty.pt"),
              "cannot read '" + (dir / "empty.pt") + "': the file is empty");
}

TEST(TorchFileErrors, TruncatedCopiesOfEveryFixture) {
    test::ScratchDir dir;
    for (const std::string& name : {kZip, kLegacy, kAda}) {
        const auto bytes = read_file_bytes(test::fixture(name));
        const size_t n = bytes.size();
        for (size_t cut :
             {size_t{1}, size_t{2}, size_t{14}, size_t{100}, size_t{1000}, size_t{5000}, n / 4,
              n / 2, 3 * n / 4, n - 4096, n - 100, n - 22, n - 1}) {
            const std::vector<uint8_t> part(bytes.begin(), bytes.begin() + static_cast<long>(cut));
            EXPECT_THROW(load_torch_bytes(part), FormatError) << name << " cut at " << cut;
        }
        const std::string path = dir / "cut.pt";
        test::write_file(path, std::vector<uint8_t>(bytes.begin(), bytes.begin() + 5000));
        const std::string message = file_error(path);
        EXPECT_EQ(message.rfind("cannot read '" + path + "': ", 0), 0u) << message;
        if (name != kZip)
            EXPECT_TRUE(contains(message, "truncated (the pickle ends before its STOP opcode)"))
                << message;
        else
            EXPECT_TRUE(contains(message, "zip archive is damaged or truncated")) << message;
    }
}

TEST(TorchFileErrors, ZipRecordMissingOrShort) {
    test::ScratchDir dir;
    const std::string path = dir / "model.pt";
    test::write_file(path, read_file_bytes(test::fixture(kZip)));
    edit_zip(path, [](zip_t* archive) {
        const zip_int64_t index = zip_name_locate(archive, "rosinality_tiny64/data/17", 0);
        ASSERT_GE(index, 0);
        ASSERT_EQ(zip_delete(archive, static_cast<zip_uint64_t>(index)), 0);
    });
    EXPECT_EQ(file_error(path), "cannot read '" + path +
                                    "': the zip archive has no record 'rosinality_tiny64/data/17'");

    test::write_file(path, read_file_bytes(test::fixture(kZip)));
    static const std::string twelve(12, '\0');
    edit_zip(path, [](zip_t* archive) {
        const zip_int64_t index = zip_name_locate(archive, "rosinality_tiny64/data/0", 0);
        ASSERT_GE(index, 0);
        zip_source_t* source = zip_source_buffer(archive, twelve.data(), twelve.size(), 0);
        ASSERT_EQ(zip_file_replace(archive, static_cast<zip_uint64_t>(index), source, 0), 0);
    });
    const std::string message = file_error(path);
    EXPECT_TRUE(contains(message, "record 'rosinality_tiny64/data/0' holds 12 bytes")) << message;
}

TEST(TorchFileErrors, ZipWithoutDataPkl) {
    test::ScratchDir dir;
    write_zip(dir / "a.pt", {{"archive/other.txt", "x"}});
    EXPECT_TRUE(contains(file_error(dir / "a.pt"), "data.pkl"));
}

TEST(TorchFileErrors, TensorLargerThanItsStorage) {
    test::ScratchDir dir;
    write_zip(dir / "t.pt", {{"archive/data.pkl", tensor_pickle(4, {10}, {1})},
                             {"archive/data/0", floats({1, 2, 3, 4})}});
    EXPECT_TRUE(contains(file_error(dir / "t.pt"), "exceeds its storage of 4 elements"));
    write_zip(dir / "t.pt", {{"archive/data.pkl", tensor_pickle(4, {2, 2}, {3, 1})},
                             {"archive/data/0", floats({1, 2, 3, 4})}});
    EXPECT_TRUE(contains(file_error(dir / "t.pt"), "exceeds"));
    write_zip(dir / "t.pt", {{"archive/data.pkl", tensor_pickle(4, {2, 2}, {1, 2})},
                             {"archive/data/0", floats({1, 2, 3, 4})}});
    EXPECT_EQ(load_torch_file(dir / "t.pt")->tensor->to_float_vector(),
              (std::vector<float>{1, 3, 2, 4}));
}

TEST(TorchFileErrors, RefusedGlobalInsideAZip) {
    test::ScratchDir dir;
    const std::string marker = dir / "pwned";
    write_zip(dir / "evil.pt",
              {{"archive/data.pkl", "cos\nsystem\n(S'touch " + marker + "'\ntR."}});
    const std::string message = file_error(dir / "evil.pt");
    EXPECT_TRUE(contains(message, "cannot read '" + (dir / "evil.pt") + "': refusing to load"))
        << message;
    EXPECT_TRUE(contains(message, "'os.system'")) << message;
    EXPECT_FALSE(test::exists(marker));
}

TEST(TorchFile, BigEndianZipRecords) {
    test::ScratchDir dir;
    const std::string big_endian("\x3f\x80\0\0\x40\0\0\0\x40\x40\0\0\x40\x80\0\0", 16);
    write_zip(dir / "be.pt", {{"archive/data.pkl", tensor_pickle(4, {4}, {1})},
                              {"archive/byteorder", "big"},
                              {"archive/data/0", big_endian}});
    EXPECT_EQ(load_torch_file(dir / "be.pt")->tensor->to_float_vector(),
              (std::vector<float>{1, 2, 3, 4}));
}

// Small files that CPython's pickle wrote in torch.save's layouts (tests/fuzz/make_seeds.py):
// views with strides and offsets, a shared storage, a half storage, big-endian records.
TEST(TorchFile, SmallFilesWrittenByCPython) {
    const std::string seeds = LATENT_STUDIO_FUZZ_SEEDS "/torch_file/";
    for (const std::string name : {"zip.pt", "zip_big_endian.pt", "legacy.pt"}) {
        SCOPED_TRACE(name);
        const ValuePtr state = load_torch_file(seeds + name)->get("state");
        ASSERT_TRUE(state && state->is(Kind::Dict));
        EXPECT_EQ(state->get("w")->tensor->to_float_vector(),
                  (std::vector<float>{1, 2, 3, 4, 5, 6}));
        EXPECT_EQ(state->get("wt")->tensor->to_float_vector(),
                  (std::vector<float>{1, 4, 2, 5, 3, 6}));
        EXPECT_EQ(state->get("w")->tensor->storage, state->get("wt")->tensor->storage);
        EXPECT_EQ(state->get("tail")->tensor->to_float_vector(), (std::vector<float>{5, 6}));
        EXPECT_TRUE(state->get("scalar")->tensor->shape.empty());
        EXPECT_EQ(state->get("scalar")->tensor->to_float_vector(), (std::vector<float>{6}));
        EXPECT_EQ(state->get("half")->tensor->dtype, DType::Float16);
        EXPECT_EQ(state->get("half")->tensor->to_float_vector(), (std::vector<float>{0.5f, -1, 2}));
    }
    const ValuePtr g = load_torch_file(seeds + "network.pkl")->get("G_ema");
    ASSERT_TRUE(g && g->is(Kind::Object));
    EXPECT_EQ(g->class_name, "Generator");
    EXPECT_EQ(g->get("_parameters")->get("weight")->tensor->to_float_vector(),
              (std::vector<float>{0.5f, -0.5f, 1.5f, 2.5f}));
    EXPECT_EQ(g->get("_init_kwargs")->get("z_dim")->i, 2);
    EXPECT_EQ(g->get("weight_gain")->f, 0.25);
    EXPECT_EQ(g->get("module_src"), nullptr);  // the source code is not part of the state
}

// A legacy serialisation made by hand: the magic, protocol, sys info, the object (a tensor
// over storage 'k'), the key list, then the storage's element count and bytes.
std::vector<uint8_t> legacy_file(int declared, int64_t stored, const std::string& data) {
    B b;
    b.proto(2).op(0x8a).op(10).raw("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19").stop();
    b.proto(2).op('M').le(1001, 2).stop();
    b.proto(2).op('}').stop();
    b.proto(2)
        .global("torch._utils", "_rebuild_tensor")
        .mark()
        .mark()
        .str("storage")
        .global("torch", "FloatStorage")
        .str("k")
        .str("cpu")
        .integer(declared)
        .op('N')
        .tuple()
        .op('Q')
        .integer(0)
        .mark()
        .integer(declared)
        .tuple()
        .mark()
        .integer(1)
        .tuple()
        .tuple()
        .reduce()
        .stop();
    b.proto(2).op(']').str("k").op('a').stop();
    b.le(static_cast<uint64_t>(stored), 8).raw(data);
    return b.bytes();
}

TEST(TorchFileErrors, LegacyStorageData) {
    EXPECT_EQ(load_torch_bytes(legacy_file(2, 2, floats({5, 6})))->tensor->to_float_vector(),
              (std::vector<float>{5, 6}));
    EXPECT_TRUE(
        contains(bytes_error(legacy_file(2, 3, floats({5, 6, 7}))), "3 elements in the file"));
    EXPECT_TRUE(contains(bytes_error(legacy_file(2, 2, floats({5}))), "truncated"));
    auto no_data = legacy_file(2, 2, "");
    no_data.resize(no_data.size() - 8);
    EXPECT_TRUE(contains(bytes_error(no_data), "truncated"));
}

}  // namespace
}  // namespace ls::io
