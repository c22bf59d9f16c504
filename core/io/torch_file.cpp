// torch.save's two serialisations and NVIDIA's network pickles, read without LibTorch.
//
// Storages are the bulk of a checkpoint (100-400 MB): each is copied exactly once, from the
// zip record (read straight from the file) or from the legacy stream, into its Storage.
#include "io/torch_file.h"

#include <zip.h>

#include <cstring>
#include <unordered_map>

#include "io/internal.h"
#include "io/npy.h"
#include "io/pickle.h"

namespace ls::io {
namespace {

using Kind = Value::Kind;
using detail::printable;

[[noreturn]] void fail(const std::string& what) {
    throw FormatError(what);
}

std::string quoted(const std::string& name) {
    return "'" + printable(name, 200) + "'";
}

// The storage types that persistent ids name (torch.FloatStorage, torch.cuda.HalfStorage,
// torch.UntypedStorage, ...).
std::optional<DType> storage_dtype(const std::string& type_name) {
    static const std::pair<const char*, DType> kTypes[] = {
        {"FloatStorage", DType::Float32}, {"DoubleStorage", DType::Float64},
        {"HalfStorage", DType::Float16},  {"BFloat16Storage", DType::BFloat16},
        {"LongStorage", DType::Int64},    {"IntStorage", DType::Int32},
        {"ShortStorage", DType::Int16},   {"CharStorage", DType::Int8},
        {"ByteStorage", DType::UInt8},    {"BoolStorage", DType::Bool},
        {"UntypedStorage", DType::UInt8},
    };
    std::string_view name = type_name;
    for (std::string_view prefix : {"torch.cuda.", "torch.storage.", "torch."}) {
        if (name.substr(0, prefix.size()) == prefix) {
            name.remove_prefix(prefix.size());
            break;
        }
    }
    for (const auto& [type, dtype] : kTypes)
        if (name == type) return dtype;
    return std::nullopt;
}

// How the pickle VM receives a storage: a 1-D tensor over (part of) it.
ValuePtr storage_value(std::shared_ptr<const Storage> storage, DType dtype, int64_t offset,
                       int64_t length) {
    auto tensor = std::make_shared<RawTensor>();
    tensor->dtype = dtype;
    tensor->shape = {length};
    tensor->strides = {1};
    tensor->offset = offset;
    tensor->storage = std::move(storage);
    auto v = std::make_shared<Value>();
    v->kind = Kind::Tensor;
    v->tensor = std::move(tensor);
    return v;
}

// The fields that both serialisations' persistent ids share:
// ('storage', storage_type, key, location, numel, ...).
struct StorageId {
    DType dtype;
    std::string key;
    int64_t numel;
};

StorageId parse_storage_id(const ValuePtr& pid, size_t min_fields, size_t max_fields) {
    if (!pid->is(Kind::Tuple) || pid->items.empty()) fail("corrupt persistent id (not a tuple)");
    const auto& f = pid->items;
    if (!f[0]->is(Kind::String)) fail("corrupt persistent id");
    if (f[0]->s == "module")
        fail("the file stores a whole Python module (source code), which is not supported");
    if (f[0]->s != "storage") fail("unsupported persistent id of type " + quoted(f[0]->s));
    if (f.size() < min_fields || f.size() > max_fields)
        fail("corrupt storage id (" + std::to_string(f.size()) + " fields)");
    StorageId id;
    if (!f[1]->is(Kind::String)) fail("corrupt storage id (no storage type)");
    auto dtype = storage_dtype(f[1]->s);
    if (!dtype) fail("unsupported storage type " + quoted(f[1]->s));
    id.dtype = *dtype;
    if (f[2]->is(Kind::String))
        id.key = f[2]->s;
    else if (f[2]->is(Kind::Int))
        id.key = std::to_string(f[2]->i);
    else
        fail("corrupt storage id (bad key)");
    if (!f[4]->is(Kind::Int) || f[4]->i < 0) fail("corrupt storage id (bad element count)");
    id.numel = f[4]->i;
    return id;
}

std::string describe_storage(const StorageId& id) {
    return std::to_string(id.numel) + " " + dtype_name(id.dtype) + " elements";
}

// ----- zip serialisation ------------------------------------------------------------------

class ZipArchive {
  public:
    ZipArchive(zip_t* archive, uint64_t archive_size) : zip_(archive), size_(archive_size) {}
    ~ZipArchive() { zip_discard(zip_); }
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;

    std::optional<zip_uint64_t> locate(const std::string& name) const {
        const zip_int64_t index = zip_name_locate(zip_, name.c_str(), ZIP_FL_ENC_RAW);
        if (index < 0) return std::nullopt;
        return static_cast<zip_uint64_t>(index);
    }

    // The one record named "<prefix>/data.pkl"; its prefix names the other records.
    std::string find_prefix() const {
        const zip_int64_t n = zip_get_num_entries(zip_, 0);
        std::optional<std::string> prefix;
        for (zip_int64_t k = 0; k < n; ++k) {
            const char* raw = zip_get_name(zip_, static_cast<zip_uint64_t>(k), ZIP_FL_ENC_RAW);
            if (raw == nullptr) continue;
            std::string_view name = raw;
            const size_t slash = name.find('/');
            if (slash == std::string_view::npos || name.substr(slash) != "/data.pkl") continue;
            if (prefix) fail("the zip archive holds more than one data.pkl record");
            prefix = std::string(name.substr(0, slash));
        }
        if (!prefix)
            fail("the zip archive has no '<name>/data.pkl' record (not a torch.save file)");
        return *prefix;
    }

    // The record's size, refused when the archive could not possibly hold it, so that a
    // lying directory entry cannot make us allocate.
    uint64_t record_size(zip_uint64_t index, const std::string& name) const {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(zip_, index, 0, &st) != 0)
            fail("cannot stat zip record " + quoted(name));
        const zip_uint64_t need = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD;
        if ((st.valid & need) != need) fail("zip record " + quoted(name) + " has no size");
        const bool stored = st.comp_method == ZIP_CM_STORE;
        if (!stored && st.comp_method != ZIP_CM_DEFLATE)
            fail("zip record " + quoted(name) + " uses an unsupported compression method");
        const uint64_t max_ratio = 1032;  // deflate's limit
        if (st.comp_size > size_ || (stored && st.size != st.comp_size) ||
            (!stored && st.size / max_ratio > st.comp_size + 1))
            fail("the zip archive is damaged or truncated (record " + quoted(name) +
                 " claims more data than the archive holds)");
        return st.size;
    }

    void read(zip_uint64_t index, const std::string& name, uint8_t* out, uint64_t size) const {
        zip_file_t* file = zip_fopen_index(zip_, index, 0);
        if (file == nullptr)
            fail("cannot open zip record " + quoted(name) + ": " + zip_strerror(zip_));
        uint64_t done = 0;
        std::string error;
        while (done < size) {
            const zip_int64_t n = zip_fread(file, out + done, size - done);
            if (n <= 0) {
                error = n < 0 ? zip_file_strerror(file) : "it ends early";
                break;
            }
            done += static_cast<uint64_t>(n);
        }
        zip_fclose(file);
        if (done != size)
            fail("the zip archive is damaged or truncated (record " + quoted(name) + ": " +
                 printable(error) + ")");
    }

    std::vector<uint8_t> read_small(zip_uint64_t index, const std::string& name) const {
        std::vector<uint8_t> bytes(record_size(index, name));
        read(index, name, bytes.data(), bytes.size());
        return bytes;
    }

  private:
    zip_t* zip_;
    uint64_t size_;
};

[[noreturn]] void zip_open_failed(zip_error_t* error) {
    std::string why = zip_error_strerror(error);
    zip_error_fini(error);
    fail("the zip archive is damaged or truncated (" + printable(why) + ")");
}

std::unique_ptr<ZipArchive> open_zip_memory(const std::vector<uint8_t>& bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) zip_open_failed(&error);
    zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (archive == nullptr) {
        zip_source_free(source);
        zip_open_failed(&error);
    }
    zip_error_fini(&error);
    return std::make_unique<ZipArchive>(archive, bytes.size());
}

std::unique_ptr<ZipArchive> open_zip_file(const std::string& path, uint64_t size) {
    int code = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (archive == nullptr) {
        zip_error_t error;
        zip_error_init_with_code(&error, code);
        zip_open_failed(&error);
    }
    return std::make_unique<ZipArchive>(archive, size);
}

class ZipReader {
  public:
    explicit ZipReader(const ZipArchive& zip) : zip_(zip), prefix_(zip.find_prefix()) {}

    ValuePtr read() {
        read_byte_order();
        const std::string name = prefix_ + "/data.pkl";
        const std::vector<uint8_t> pickle = zip_.read_small(*zip_.locate(name), name);
        size_t pos = 0;
        return read_pickle(pickle.data(), pickle.size(), &pos,
                           [this](const ValuePtr& pid) { return load_storage(pid); });
    }

  private:
    // Written by PyTorch >= 1.13.1; files without it are little endian.
    void read_byte_order() {
        const std::string name = prefix_ + "/byteorder";
        auto index = zip_.locate(name);
        if (!index) return;
        const auto bytes = zip_.read_small(*index, name);
        const std::string order(bytes.begin(), bytes.end());
        if (order != "little" && order != "big") fail("unknown byte order " + quoted(order));
        big_endian_ = order == "big";
    }

    ValuePtr load_storage(const ValuePtr& pid) {
        const StorageId id = parse_storage_id(pid, 5, 5);
        auto cached = storages_.find(id.key);
        if (cached != storages_.end()) {
            if (cached->second->tensor->dtype != id.dtype)
                fail("storage " + quoted(id.key) + " is used with two element types");
            return cached->second;
        }
        const std::string name = prefix_ + "/data/" + id.key;
        auto index = zip_.locate(name);
        if (!index) fail("the zip archive has no record " + quoted(name));
        const auto need = detail::checked_mul(id.numel, element_size(id.dtype));
        const uint64_t have = zip_.record_size(*index, name);
        if (!need || have != static_cast<uint64_t>(*need))
            fail("the zip archive's record " + quoted(name) + " holds " + std::to_string(have) +
                 " bytes, but its storage needs " +
                 (need ? std::to_string(*need) : std::string("more")) + " (" +
                 describe_storage(id) + ")");
        auto storage = std::make_shared<Storage>();
        storage->dtype = id.dtype;
        storage->bytes.resize(have);
        zip_.read(*index, name, storage->bytes.data(), have);
        if (big_endian_)
            detail::swap_byte_order(storage->bytes.data(), have,
                                    static_cast<int>(element_size(id.dtype)));
        ValuePtr v = storage_value(std::move(storage), id.dtype, 0, id.numel);
        storages_.emplace(id.key, v);
        return v;
    }

    const ZipArchive& zip_;
    std::string prefix_;
    bool big_endian_ = false;
    std::unordered_map<std::string, ValuePtr> storages_;
};

// ----- legacy serialisation -------------------------------------------------------------

constexpr uint8_t kLegacyMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr int64_t kLegacyProtocol = 1001;

// The first pickle of a legacy file is the magic number 0x1950a86a20f9469cfc6c, too wide for
// Value's integers: recognised here byte by byte (LONG1 in protocols 2+, LONG text in 0/1).
bool skip_legacy_magic(const uint8_t* d, size_t n, size_t* pos) {
    size_t p = 0;
    if (n >= 2 && d[0] == 0x80) {
        p = 2;
        if (p < n && d[p] == 0x95) p += 9;  // FRAME
    }
    if (p + 13 <= n && d[p] == 0x8a && d[p + 1] == 10 &&
        std::memcmp(d + p + 2, kLegacyMagic, sizeof kLegacyMagic) == 0 && d[p + 12] == '.') {
        *pos = p + 13;
        return true;
    }
    static const char kText[] = "L119547037146038801333356L\n.";
    if (n >= sizeof kText - 1 && std::memcmp(d, kText, sizeof kText - 1) == 0) {
        *pos = sizeof kText - 1;
        return true;
    }
    return false;
}

class LegacyReader {
  public:
    ValuePtr read(const uint8_t* data, size_t size) {
        size_t pos = 0;
        if (!skip_legacy_magic(data, size, &pos))
            fail("not a legacy torch.save serialisation (the magic number is missing)");
        ValuePtr protocol = read_pickle(data, size, &pos);
        if (!protocol->is(Kind::Int) || protocol->i != kLegacyProtocol)
            fail("unsupported legacy torch.save protocol version");
        ValuePtr sys_info = read_pickle(data, size, &pos);
        if (!sys_info->is(Kind::Dict)) fail("corrupt legacy torch.save header");
        ValuePtr result = read_pickle(data, size, &pos,
                                      [this](const ValuePtr& pid) { return load_storage(pid); });
        ValuePtr keys = read_pickle(data, size, &pos);
        if (!keys->is(Kind::List)) fail("corrupt legacy torch.save storage list");
        for (const auto& key : keys->items) read_storage_data(key, data, size, &pos);
        for (const auto& [key, root] : roots_)
            if (!root.filled) fail("storage " + quoted(key) + " has no data in the file");
        return result;
    }

  private:
    struct Root {
        std::shared_ptr<Storage> storage;
        StorageId id;
        ValuePtr whole;
        bool filled = false;
    };

    // ('storage', storage_type, root_key, location, numel, view_metadata): the storage's
    // bytes come later in the file, so this hands out a view of a storage still empty and
    // read() fills it in. The view is checked against the declared size, and read()
    // checks that the file holds exactly that many elements.
    ValuePtr load_storage(const ValuePtr& pid) {
        const StorageId id = parse_storage_id(pid, 5, 6);
        auto [it, inserted] = roots_.try_emplace(id.key);
        Root& root = it->second;
        if (inserted) {
            root.id = id;
            root.storage = std::make_shared<Storage>();
            root.storage->dtype = id.dtype;
            root.whole = storage_value(root.storage, id.dtype, 0, id.numel);
        } else if (root.id.dtype != id.dtype || root.id.numel != id.numel) {
            fail("storage " + quoted(id.key) + " is declared twice with different types or sizes");
        }
        const ValuePtr view = pid->items.size() == 6 ? pid->items[5] : nullptr;
        if (!view || view->is(Kind::None)) return root.whole;
        return storage_view(root, view);
    }

    // view_metadata = (view_key, offset, size), in elements: storage views of PyTorch < 0.4.
    ValuePtr storage_view(const Root& root, const ValuePtr& meta) {
        if (!meta->is(Kind::Tuple) || meta->items.size() != 3 || !meta->items[1]->is(Kind::Int) ||
            !meta->items[2]->is(Kind::Int))
            fail("corrupt storage view metadata");
        const int64_t offset = meta->items[1]->i;
        const int64_t length = meta->items[2]->i;
        const auto end = detail::checked_add(offset, length);
        if (!end || *end > root.id.numel)
            fail("storage view of " + quoted(root.id.key) + " exceeds its storage");
        const std::string key = meta->items[0]->is(Kind::String) ? meta->items[0]->s : "";
        auto cached = views_.find(key);
        if (cached != views_.end() && !key.empty()) return cached->second;
        ValuePtr v = storage_value(root.storage, root.id.dtype, offset, length);
        if (!key.empty()) views_.emplace(key, v);
        return v;
    }

    // int64 element count, then the elements, for each key in the order the list gives.
    void read_storage_data(const ValuePtr& key, const uint8_t* data, size_t size, size_t* pos) {
        if (!key->is(Kind::String)) fail("corrupt legacy storage list");
        auto it = roots_.find(key->s);
        if (it == roots_.end())
            fail("the file holds data for storage " + quoted(key->s) + ", which nothing uses");
        Root& root = it->second;
        if (root.filled) fail("the file holds data for storage " + quoted(key->s) + " twice");
        if (size - *pos < 8)
            fail("truncated (the file ends before the data of storage " + quoted(key->s) + ")");
        int64_t count;
        std::memcpy(&count, data + *pos, 8);
        *pos += 8;
        if (count != root.id.numel)
            fail("storage " + quoted(key->s) + " holds " + std::to_string(count) +
                 " elements in the file, but " + std::to_string(root.id.numel) + " were declared");
        const auto bytes = detail::checked_mul(count, element_size(root.id.dtype));
        if (!bytes || static_cast<uint64_t>(*bytes) > size - *pos)
            fail("truncated (the file ends inside the data of storage " + quoted(key->s) + ")");
        root.storage->bytes.assign(data + *pos, data + *pos + *bytes);
        *pos += static_cast<size_t>(*bytes);
        root.filled = true;
    }

    std::unordered_map<std::string, Root> roots_;
    std::unordered_map<std::string, ValuePtr> views_;
};

// ----- detection --------------------------------------------------------------------------

bool starts_with(const uint8_t* d, size_t n, std::string_view prefix) {
    return n >= prefix.size() && std::memcmp(d, prefix.data(), prefix.size()) == 0;
}

bool is_zip(const uint8_t* d, size_t n) {
    return starts_with(d, n, std::string_view("PK\x03\x04", 4)) ||
           starts_with(d, n, std::string_view("PK\x05\x06", 4));
}

ValuePtr load_from_memory(const std::vector<uint8_t>& bytes, TorchFileFormat* format) {
    const uint8_t* d = bytes.data();
    const size_t n = bytes.size();
    size_t pos = 0;
    if (is_zip(d, n)) {
        if (format) *format = TorchFileFormat::Zip;
        auto zip = open_zip_memory(bytes);
        return ZipReader(*zip).read();
    }
    if (skip_legacy_magic(d, n, &pos)) {
        if (format) *format = TorchFileFormat::Legacy;
        return LegacyReader().read(d, n);
    }
    if (n > 0 && d[0] == 0x80) {
        if (format) *format = TorchFileFormat::Pickle;
        return read_pickle(d, n, &pos);
    }
    if (n > 262 && std::memcmp(d + 257, "ustar", 5) == 0)
        fail("the tar-based torch.save format of PyTorch < 0.1.10 is not supported");
    fail("not a PyTorch checkpoint or network pickle (unknown format)");
}

}  // namespace

namespace detail {

ValuePtr load_legacy_bytes(const uint8_t* data, size_t size) {
    return LegacyReader().read(data, size);
}

}  // namespace detail

ValuePtr load_torch_bytes(const std::vector<uint8_t>& bytes, TorchFileFormat* format) {
    if (bytes.empty()) fail("the data is empty");
    return load_from_memory(bytes, format);
}

ValuePtr load_torch_file(const std::string& path, TorchFileFormat* format) {
    const uint64_t size = detail::check_readable_file(path);
    const std::string where = "cannot read " + detail::quoted_path(path) + ": ";
    if (size == 0) fail(where + "the file is empty");
    // A zip archive is read from the file itself, so that its storages are copied only from
    // the file into their Storage; the other formats are read from memory.
    const auto head = detail::read_file_head(path, 4);
    if (is_zip(head.data(), head.size())) {
        if (format) *format = TorchFileFormat::Zip;
        try {
            auto zip = open_zip_file(path, size);
            return ZipReader(*zip).read();
        } catch (const FormatError& e) {
            fail(where + e.what());
        }
    }
    const std::vector<uint8_t> bytes = read_file_bytes(path);
    if (bytes.empty()) fail(where + "the file is empty");
    try {
        return load_from_memory(bytes, format);
    } catch (const FormatError& e) {
        fail(where + e.what());
    }
}

}  // namespace ls::io
