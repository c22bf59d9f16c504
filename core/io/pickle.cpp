// A pickle virtual machine that builds data and executes nothing.
//
// Every opcode of protocols 0 to 5 is decoded with bounds checks. GLOBAL / STACK_GLOBAL push a
// string naming the global and remember (in a side table) which allow-listed constructor it
// stands for; REDUCE, NEWOBJ, BUILD, INST and OBJ then build plain data from it. Any global
// that is not on the allow-list is refused when it is met, so no name from a file is ever
// looked up, imported or called.
//
// Two structural rules keep hostile files from building trees that would hurt consumers:
//  - a list, dict or set may not be changed after it has been stored inside another value.
//    Python's pickler always finishes a container before storing it, except for
//    self-referencing structures, so this refuses exactly the cycles (which would leak and
//    loop forever) and nothing that torch.save or NVIDIA's training loop write;
//  - nesting is limited to PickleLimits::max_depth, so destroying or walking a tree never
//    overflows the call stack.
// Memory is bounded too: lengths are checked against the remaining input before anything is
// allocated, PickleLimits::max_items caps values and container slots, and everything built
// (values, slots, text, data copied out of other values such as NumPy arrays or embedded
// storages) is charged to a budget of 64 MiB plus four times the input's size.
#include "io/pickle.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "io/internal.h"

namespace ls::io {
namespace {

using Kind = Value::Kind;
using detail::printable;

// BINBYTES arguments at least this long are not copied when read: the value keeps a span of
// the input until the end, so that an embedded storage is copied only once, straight into
// its Storage.
constexpr size_t kLazyBytesThreshold = 4096;
// Nested torch.storage._load_from_bytes calls (a storage inside a storage's bytes).
constexpr int kMaxEmbeddedDepth = 4;
// A tensor view may repeat its storage's elements (stride 0), but not without bound.
constexpr int64_t kMaxViewRepeat = 64;
constexpr size_t kMaxDims = 64;
// What the values built from an input may take in all (values, container slots, decoded text,
// copied data): generous for real files, whose bulk is storage data copied once, and small
// enough that a few hostile kilobytes cannot exhaust memory.
constexpr uint64_t kBaseMemoryBudget = uint64_t{64} << 20;
constexpr uint64_t kMemoryPerInputByte = 4;
constexpr uint64_t kBytesPerValue = sizeof(Value) + 32;  // with shared_ptr's control block

thread_local int embedded_depth = 0;

// What an allow-listed global turns into when it is called.
enum class Global {
    Name,  // data only: dtypes, storage types, classes passed as arguments
    Dict,
    DictLike,  // dnnlib.util.EasyDict, argparse.Namespace: a dict that BUILD fills
    Set,
    List,
    Tuple,
    ByteArray,
    Bytes,
    CodecsEncode,
    RebuildTensorV2,
    RebuildTensor,
    RebuildParameter,
    RebuildParameterWithState,
    RebuildFromTypeV2,
    LoadFromBytes,
    PersistentObject,
    CopyregReconstructor,
    NumpyScalar,
    NumpyDtype,
    NumpyReconstruct,
    TorchDevice,
    TorchSize,
    RestoreTypeTag,  // torch.jit._pickle.restore_type_tag(value, "Dict[str, Tensor]"): value
};

struct AllowListEntry {
    std::string_view name;
    Global kind;
};

constexpr AllowListEntry kAllowList[] = {
    {"collections.OrderedDict", Global::Dict},
    {"builtins.dict", Global::Dict},
    {"builtins.set", Global::Set},
    {"builtins.frozenset", Global::Set},
    {"builtins.list", Global::List},
    {"builtins.tuple", Global::Tuple},
    {"builtins.bytearray", Global::ByteArray},
    {"builtins.bytes", Global::Bytes},
    {"builtins.object", Global::Name},
    {"_codecs.encode", Global::CodecsEncode},
    {"copyreg._reconstructor", Global::CopyregReconstructor},
    {"dnnlib.util.EasyDict", Global::DictLike},
    {"argparse.Namespace", Global::DictLike},
    {"torch._utils._rebuild_tensor_v2", Global::RebuildTensorV2},
    {"torch._utils._rebuild_tensor", Global::RebuildTensor},
    {"torch._utils._rebuild_parameter", Global::RebuildParameter},
    {"torch._utils._rebuild_parameter_with_state", Global::RebuildParameterWithState},
    {"torch._tensor._rebuild_from_type_v2", Global::RebuildFromTypeV2},
    {"torch.storage._load_from_bytes", Global::LoadFromBytes},
    {"torch_utils.persistence._reconstruct_persistent_obj", Global::PersistentObject},
    {"numpy.core.multiarray.scalar", Global::NumpyScalar},
    {"numpy._core.multiarray.scalar", Global::NumpyScalar},
    {"numpy.dtype", Global::NumpyDtype},
    {"numpy.core.multiarray._reconstruct", Global::NumpyReconstruct},
    {"numpy._core.multiarray._reconstruct", Global::NumpyReconstruct},
    {"numpy.ndarray", Global::Name},
    {"torch.device", Global::TorchDevice},
    {"torch.Size", Global::TorchSize},
    // LibTorch's torch::pickle_save tags typed containers; Python's torch.load returns the value.
    {"torch.jit._pickle.restore_type_tag", Global::RestoreTypeTag},
    {"torch.Tensor", Global::Name},
    {"torch.nn.parameter.Parameter", Global::Name},
    {"torch.UntypedStorage", Global::Name},
    {"torch.storage.UntypedStorage", Global::Name},
};

// torch.<Type>Storage and torch.cuda.<Type>Storage (storage types in persistent ids) and
// torch.<dtype>: names only.
constexpr std::string_view kStorageTypes[] = {
    "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage",
    "IntStorage",   "ShortStorage",  "CharStorage", "ByteStorage",     "BoolStorage"};
constexpr std::string_view kTorchDTypes[] = {
    "float32", "float", "float64", "double", "float16", "half", "bfloat16", "int64",
    "long",    "int32", "int",     "int16",  "short",   "int8", "uint8",    "bool"};

std::optional<Global> look_up_global(std::string_view name) {
    for (const auto& entry : kAllowList)
        if (entry.name == name) return entry.kind;
    for (std::string_view prefix : {std::string_view("torch."), std::string_view("torch.cuda.")})
        if (name.substr(0, prefix.size()) == prefix)
            for (std::string_view type : kStorageTypes)
                if (name.substr(prefix.size()) == type) return Global::Name;
    if (name.substr(0, 6) == "torch.")
        for (std::string_view dtype : kTorchDTypes)
            if (name.substr(6) == dtype) return Global::Name;
    return std::nullopt;
}

// Python 2 names that Python 3's unpickler maps (fix_imports) for protocols below 3.
std::string python3_module(std::string_view module) {
    if (module == "__builtin__") return "builtins";
    if (module == "copy_reg") return "copyreg";
    return std::string(module);
}

[[noreturn]] void refuse_global(const std::string& name) {
    throw FormatError("refusing to load: the file calls the global '" + printable(name) +
                      "', which is not on the allow-list of data-only constructors");
}

[[noreturn]] void corrupt(const std::string& what) {
    throw FormatError("corrupt pickle: " + what);
}

const char* kind_word(Kind kind) {
    switch (kind) {
        case Kind::None:
            return "None";
        case Kind::Bool:
            return "bool";
        case Kind::Int:
            return "int";
        case Kind::Float:
            return "float";
        case Kind::String:
            return "str";
        case Kind::Bytes:
            return "bytes";
        case Kind::Tuple:
            return "tuple";
        case Kind::List:
            return "list";
        case Kind::Dict:
            return "dict";
        case Kind::Set:
            return "set";
        case Kind::Tensor:
            return "tensor";
        case Kind::Object:
            return "object";
    }
    return "value";
}

bool is_mutable(Kind k) {
    return k == Kind::List || k == Kind::Dict || k == Kind::Set;
}
bool has_children(Kind k) {
    return is_mutable(k) || k == Kind::Tuple || k == Kind::Object;
}

ValuePtr make(Kind kind) {
    auto v = std::make_shared<Value>();
    v->kind = kind;
    return v;
}

// ----- text helpers ---------------------------------------------------------------------

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

std::string latin1_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (char c : bytes) append_utf8(out, static_cast<unsigned char>(c));
    return out;
}

// Decodes one UTF-8 sequence at text[*k]; surrogates are accepted, as Python's
// 'surrogatepass' does for pickles. Returns false for malformed input.
bool next_code_point(std::string_view text, size_t* k, uint32_t* cp) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char c = byte(*k);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || *k + len > text.size()) return false;
    uint32_t v = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t i = 1; i < len; ++i) {
        if ((byte(*k + i) & 0xc0) != 0x80) return false;
        v = (v << 6) | (byte(*k + i) & 0x3f);
    }
    static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < kMin[len] || v > 0x10ffff) return false;  // overlong or out of range
    *k += len;
    *cp = v;
    return true;
}

bool valid_utf8(std::string_view text) {
    size_t k = 0;
    uint32_t cp;
    while (k < text.size())
        if (!next_code_point(text, &k, &cp)) return false;
    return true;
}

// str.encode('latin-1'): the inverse of how STRING opcodes and protocol-2 bytes are read.
std::optional<std::string> utf8_to_latin1(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t k = 0;
    uint32_t cp;
    while (k < text.size()) {
        if (!next_code_point(text, &k, &cp) || cp > 0xff) return std::nullopt;
        out += static_cast<char>(cp);
    }
    return out;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// codecs.escape_decode, as the STRING opcode applies it to its quoted argument.
std::string escape_decode(std::string_view s) {
    std::string out;
    for (size_t k = 0; k < s.size(); ++k) {
        if (s[k] != '\\') {
            out += s[k];
            continue;
        }
        if (++k == s.size()) corrupt("STRING argument ends with a lone backslash");
        const char c = s[k];
        switch (c) {
            case '\n':
                break;
            case '\\':
            case '\'':
            case '"':
                out += c;
                break;
            case 'a':
                out += '\a';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'v':
                out += '\v';
                break;
            case 'x': {
                const int hi = k + 1 < s.size() ? hex_digit(s[k + 1]) : -1;
                const int lo = k + 2 < s.size() ? hex_digit(s[k + 2]) : -1;
                if (hi < 0 || lo < 0) corrupt("bad \\x escape in a STRING argument");
                out += static_cast<char>(hi * 16 + lo);
                k += 2;
                break;
            }
            default:
                if (c >= '0' && c <= '7') {
                    int v = c - '0';
                    for (int n = 0; n < 2 && k + 1 < s.size() && s[k + 1] >= '0' && s[k + 1] <= '7';
                         ++n)
                        v = v * 8 + (s[++k] - '0');
                    out += static_cast<char>(v & 0xff);
                } else {
                    out += '\\';
                    out += c;
                }
        }
    }
    return out;
}

// The 'raw-unicode-escape' codec of the UNICODE opcode: latin-1 text with \uXXXX and
// \UXXXXXXXX escapes (only after an odd number of backslashes), returned as UTF-8.
std::string raw_unicode_escape_decode(std::string_view s) {
    std::string out;
    size_t k = 0;
    while (k < s.size()) {
        if (s[k] != '\\') {
            append_utf8(out, static_cast<unsigned char>(s[k++]));
            continue;
        }
        size_t run = 0;
        while (k < s.size() && s[k] == '\\') {
            ++run;
            ++k;
        }
        if (run % 2 == 0 || k == s.size() || (s[k] != 'u' && s[k] != 'U')) {
            out.append(run, '\\');
            continue;
        }
        out.append(run - 1, '\\');
        const size_t digits = s[k] == 'u' ? 4 : 8;
        ++k;
        if (k + digits > s.size()) corrupt("truncated \\u escape in a UNICODE argument");
        uint32_t cp = 0;
        for (size_t n = 0; n < digits; ++n) {
            const int d = hex_digit(s[k + n]);
            if (d < 0) corrupt("bad \\u escape in a UNICODE argument");
            cp = cp * 16 + static_cast<uint32_t>(d);
        }
        if (cp > 0x10ffff) corrupt("\\U escape out of range in a UNICODE argument");
        append_utf8(out, cp);
        k += digits;
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t'))
        s.remove_suffix(1);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
}

// An integer written in decimal (INT, LONG); values beyond int64 become a Float.
ValuePtr parse_decimal_integer(std::string_view text, const char* opcode) {
    text = trim(text);
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    if (text.empty() || text.size() > 100000) corrupt(std::string("bad ") + opcode + " argument");
    uint64_t magnitude = 0;
    double approx = 0;
    bool overflow = false;
    for (char c : text) {
        if (c < '0' || c > '9') corrupt(std::string("bad ") + opcode + " argument");
        const unsigned d = static_cast<unsigned>(c - '0');
        approx = approx * 10 + d;
        if (magnitude > (UINT64_MAX - d) / 10) overflow = true;
        magnitude = magnitude * 10 + d;
    }
    const uint64_t limit = negative ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
    if (overflow || magnitude > limit) {
        auto v = make(Kind::Float);
        v->f = negative ? -approx : approx;
        return v;
    }
    auto v = make(Kind::Int);
    v->i = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
    return v;
}

// LONG1 / LONG4: little-endian two's complement; values beyond int64 become a Float.
ValuePtr decode_long(const uint8_t* p, size_t n) {
    if (n == 0) return make(Kind::Int);
    const bool negative = (p[n - 1] & 0x80) != 0;
    const uint8_t fill = negative ? 0xff : 0x00;
    size_t used = n;
    while (used > 8 && p[used - 1] == fill) --used;
    if (used <= 8 && (used < 8 || n == 8 || ((p[7] & 0x80) != 0) == negative)) {
        uint64_t bits = negative ? ~uint64_t{0} : 0;
        for (size_t k = 0; k < std::min<size_t>(n, 8); ++k) {
            bits &= ~(uint64_t{0xff} << (8 * k));
            bits |= uint64_t{p[k]} << (8 * k);
        }
        auto v = make(Kind::Int);
        std::memcpy(&v->i, &bits, sizeof bits);
        return v;
    }
    double d = static_cast<int8_t>(p[n - 1]);
    for (size_t k = n - 1; k-- > 0;) d = d * 256.0 + p[k];
    auto v = make(Kind::Float);
    v->f = d;
    return v;
}

// ----- the machine ----------------------------------------------------------------------

// What the machine knows about a value beyond the value itself.
struct Meta {
    ValuePtr keep;  // keeps the address (the table's key) from being reused
    uint32_t height = 1;
    bool sealed = false;
    std::optional<Global> global;
    enum class Origin { Plain, MergeState, NumpyDtype, NumpyArray } origin = Origin::Plain;
};

// The bytes of a Bytes value (or the latin-1 encoding of a String), wherever they live.
struct ByteView {
    const uint8_t* data = nullptr;
    size_t size = 0;
    std::string owned;
};

class Machine {
  public:
    Machine(const uint8_t* data, size_t size, size_t pos, const PersistentLoader& persistent_load,
            const PickleLimits& limits)
        : data_(data),
          size_(size),
          pos_(pos),
          persistent_load_(persistent_load),
          limits_(limits),
          memory_budget_(kBaseMemoryBudget + kMemoryPerInputByte * static_cast<uint64_t>(size)) {}

    ValuePtr run(size_t* pos);

  private:
    // input
    [[noreturn]] void truncated() const {
        throw FormatError("truncated (the pickle ends before its STOP opcode)");
    }
    const uint8_t* take(size_t n) {
        if (n > size_ - pos_) truncated();
        const uint8_t* p = data_ + pos_;
        pos_ += n;
        return p;
    }
    const uint8_t* take_claimed(uint64_t n, const char* opcode);
    template <typename T>
    T read_le() {
        T v;
        std::memcpy(&v, take(sizeof v), sizeof v);
        return v;
    }
    std::string_view line();

    // stack
    size_t frame_base() const { return marks_.empty() ? 0 : marks_.back(); }
    void push(ValuePtr v);
    ValuePtr pop();
    ValuePtr& top();
    std::vector<ValuePtr> pop_mark();

    // bookkeeping
    void count(uint64_t n);
    void charge(uint64_t bytes);
    void count_value() {
        count(1);
        charge(kBytesPerValue);
    }
    void count_slots(uint64_t n) {
        count(n);
        charge(n * sizeof(ValuePtr));
    }
    Meta& meta(const ValuePtr& v);
    const Meta* find_meta(const Value* v) const;
    uint32_t seal(const ValuePtr& child);
    Meta& mutable_target(const ValuePtr& target);
    void grow(Meta& parent, uint32_t child_height);
    ValuePtr make_container(Kind kind, std::vector<ValuePtr> items);
    ValuePtr make_dict(std::vector<std::pair<ValuePtr, ValuePtr>> pairs);
    ByteView bytes_of(const ValuePtr& v, const char* what);

    // opcodes
    void step(uint8_t op);
    void load_int_text();
    void load_string_text();
    void load_binary_string(uint64_t n, const char* opcode);
    void load_unicode(uint64_t n, const char* opcode);
    void load_bytes(uint64_t n, const char* opcode);
    void load_global(std::string module, std::string name);
    void load_persistent(ValuePtr pid);
    void load_get(uint64_t index);
    void load_put(uint64_t index);
    void append(ValuePtr list, std::vector<ValuePtr> items);
    void set_items(ValuePtr dict, std::vector<ValuePtr> items);
    void add_items(ValuePtr set, std::vector<ValuePtr> items);
    void build();
    void new_object(ValuePtr cls, ValuePtr args);
    uint64_t text_index();

    // calls to allow-listed globals
    ValuePtr call(const ValuePtr& callable, const ValuePtr& args);
    ValuePtr call_global(Global g, const std::string& name, const std::vector<ValuePtr>& args);
    ValuePtr dict_from(const std::vector<ValuePtr>& args, const std::string& name);
    ValuePtr sequence_from(Kind kind, const std::vector<ValuePtr>& args, const std::string& name);
    ValuePtr bytes_from(const std::vector<ValuePtr>& args, const std::string& name);
    ValuePtr rebuild_tensor(const std::vector<ValuePtr>& args);
    ValuePtr rebuild_from_type(const std::vector<ValuePtr>& args);
    ValuePtr load_from_bytes(const std::vector<ValuePtr>& args);
    ValuePtr persistent_object(const std::vector<ValuePtr>& args);
    ValuePtr copyreg_reconstructor(const std::vector<ValuePtr>& args);
    ValuePtr numpy_scalar(const std::vector<ValuePtr>& args);
    ValuePtr numpy_dtype(const std::vector<ValuePtr>& args);
    ValuePtr numpy_reconstruct(const std::vector<ValuePtr>& args);
    ValuePtr torch_device(const std::vector<ValuePtr>& args);
    void build_numpy_array(Value& array, const ValuePtr& state);
    void merge_state(const ValuePtr& target, const ValuePtr& state);

    const uint8_t* data_;
    size_t size_;
    size_t pos_;
    size_t op_pos_ = 0;
    const PersistentLoader& persistent_load_;
    PickleLimits limits_;
    uint64_t memory_budget_;
    uint64_t items_ = 0;

    std::vector<ValuePtr> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint64_t, ValuePtr> memo_;
    std::unordered_map<const Value*, Meta> meta_;
    struct LazySpan {
        std::weak_ptr<Value> value;
        size_t pos;
        size_t size;
    };
    std::unordered_map<const Value*, LazySpan> lazy_;
};

const uint8_t* Machine::take_claimed(uint64_t n, const char* opcode) {
    if (n > size_ - pos_)
        throw FormatError(
            "truncated (the pickle ends before its STOP opcode): " + std::string(opcode) +
            " at byte " + std::to_string(op_pos_) + " claims " + std::to_string(n) +
            " bytes, but only " + std::to_string(size_ - pos_) + " remain");
    return take(static_cast<size_t>(n));
}

std::string_view Machine::line() {
    const void* nl = std::memchr(data_ + pos_, '\n', size_ - pos_);
    if (nl == nullptr) truncated();
    const size_t end = static_cast<size_t>(static_cast<const uint8_t*>(nl) - data_);
    std::string_view text(reinterpret_cast<const char*>(data_ + pos_), end - pos_);
    pos_ = end + 1;
    return text;
}

void Machine::push(ValuePtr v) {
    stack_.push_back(std::move(v));
}

ValuePtr Machine::pop() {
    if (stack_.size() <= frame_base())
        corrupt("stack underflow at byte " + std::to_string(op_pos_));
    ValuePtr v = std::move(stack_.back());
    stack_.pop_back();
    return v;
}

ValuePtr& Machine::top() {
    if (stack_.size() <= frame_base())
        corrupt("stack underflow at byte " + std::to_string(op_pos_));
    return stack_.back();
}

std::vector<ValuePtr> Machine::pop_mark() {
    if (marks_.empty()) corrupt("no MARK before the opcode at byte " + std::to_string(op_pos_));
    const size_t base = marks_.back();
    marks_.pop_back();
    std::vector<ValuePtr> items(std::make_move_iterator(stack_.begin() + base),
                                std::make_move_iterator(stack_.end()));
    stack_.resize(base);
    return items;
}

void Machine::count(uint64_t n) {
    items_ += n;
    if (items_ > limits_.max_items)
        throw FormatError("the pickle creates more than " + std::to_string(limits_.max_items) +
                          " values, the limit");
}

void Machine::charge(uint64_t bytes) {
    if (bytes > memory_budget_)
        throw FormatError(
            "the pickle would take far more memory than its size justifies (a decompression "
            "bomb?)");
    memory_budget_ -= bytes;
}

Meta& Machine::meta(const ValuePtr& v) {
    auto [it, inserted] = meta_.try_emplace(v.get());
    if (inserted) it->second.keep = v;
    return it->second;
}

const Meta* Machine::find_meta(const Value* v) const {
    auto it = meta_.find(v);
    return it == meta_.end() ? nullptr : &it->second;
}

// Marks a value as stored inside another one and returns its height.
uint32_t Machine::seal(const ValuePtr& child) {
    if (!child) corrupt("null value");
    if (!has_children(child->kind)) return 0;
    if (!is_mutable(child->kind)) {
        const Meta* m = find_meta(child.get());
        return m ? m->height : 1;
    }
    Meta& m = meta(child);
    m.sealed = true;
    return m.height;
}

Meta& Machine::mutable_target(const ValuePtr& target) {
    Meta& m = meta(target);
    if (m.sealed)
        corrupt("a " + std::string(kind_word(target->kind)) +
                " is changed after it was stored inside another value (a self-referencing "
                "structure?) at byte " +
                std::to_string(op_pos_));
    return m;
}

void Machine::grow(Meta& parent, uint32_t child_height) {
    parent.height = std::max(parent.height, child_height + 1);
    if (parent.height > limits_.max_depth)
        throw FormatError("the pickle nests values more than " + std::to_string(limits_.max_depth) +
                          " deep, the limit");
}

ValuePtr Machine::make_container(Kind kind, std::vector<ValuePtr> items) {
    auto v = make(kind);
    count_value();
    count_slots(items.size());
    if (!items.empty()) {
        Meta& m = meta(v);
        for (const auto& item : items) grow(m, seal(item));
    }
    v->items = std::move(items);
    return v;
}

ValuePtr Machine::make_dict(std::vector<std::pair<ValuePtr, ValuePtr>> pairs) {
    auto v = make(Kind::Dict);
    count_value();
    count_slots(2 * pairs.size());
    if (!pairs.empty()) {
        Meta& m = meta(v);
        for (const auto& [key, value] : pairs) {
            grow(m, seal(key));
            grow(m, seal(value));
        }
    }
    v->dict = std::move(pairs);
    return v;
}

ByteView Machine::bytes_of(const ValuePtr& v, const char* what) {
    ByteView view;
    if (v->kind == Kind::Bytes) {
        auto it = lazy_.find(v.get());
        if (it != lazy_.end() && it->second.value.lock() == v) {
            view.data = data_ + it->second.pos;
            view.size = it->second.size;
        } else {
            view.data = reinterpret_cast<const uint8_t*>(v->s.data());
            view.size = v->s.size();
        }
        return view;
    }
    if (v->kind == Kind::String) {
        auto latin1 = utf8_to_latin1(v->s);
        if (!latin1) corrupt(std::string(what) + " is a string that is not latin-1");
        charge(latin1->size());
        view.owned = std::move(*latin1);
        view.data = reinterpret_cast<const uint8_t*>(view.owned.data());
        view.size = view.owned.size();
        return view;
    }
    corrupt(std::string(what) + " should be bytes, found " + kind_word(v->kind));
}

ValuePtr Machine::run(size_t* pos) {
    if (pos_ > size_) truncated();
    while (true) {
        op_pos_ = pos_;
        const uint8_t op = *take(1);
        if (op == '.') break;
        step(op);
    }
    ValuePtr result = pop();
    // Free what the machine holds before deciding which lazy bytes still need copying: only
    // those that ended up in the result do.
    stack_.clear();
    memo_.clear();
    meta_.clear();
    for (auto& [ptr, span] : lazy_) {
        if (ValuePtr v = span.value.lock())
            v->s.assign(reinterpret_cast<const char*>(data_ + span.pos), span.size);
    }
    lazy_.clear();
    *pos = pos_;
    return result;
}

uint64_t Machine::text_index() {
    std::string_view text = trim(line());
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        corrupt("bad memo index at byte " + std::to_string(op_pos_));
    return v;
}

void Machine::step(uint8_t op) {
    switch (op) {
        case '(':  // MARK
            if (marks_.size() >= limits_.max_depth)
                throw FormatError("the pickle nests MARKs more than " +
                                  std::to_string(limits_.max_depth) + " deep, the limit");
            marks_.push_back(stack_.size());
            return;
        case '0':  // POP
            if (stack_.size() > frame_base())
                stack_.pop_back();
            else
                pop_mark();
            return;
        case '1':  // POP_MARK
            pop_mark();
            return;
        case '2':  // DUP
            push(top());
            return;
        case 'F': {  // FLOAT
            std::string_view text = trim(line());
            double d = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
            if (ec != std::errc() || end != text.data() + text.size())
                corrupt("bad FLOAT argument at byte " + std::to_string(op_pos_));
            auto v = make(Kind::Float);
            v->f = d;
            count_value();
            push(v);
            return;
        }
        case 'I':  // INT
            load_int_text();
            return;
        case 'J': {  // BININT
            auto v = make(Kind::Int);
            v->i = read_le<int32_t>();
            count_value();
            push(v);
            return;
        }
        case 'K': {  // BININT1
            auto v = make(Kind::Int);
            v->i = *take(1);
            count_value();
            push(v);
            return;
        }
        case 'M': {  // BININT2
            auto v = make(Kind::Int);
            v->i = read_le<uint16_t>();
            count_value();
            push(v);
            return;
        }
        case 'L': {  // LONG
            std::string_view text = trim(line());
            if (!text.empty() && text.back() == 'L') text.remove_suffix(1);
            count_value();
            push(parse_decimal_integer(text, "LONG"));
            return;
        }
        case 0x8a: {  // LONG1
            const size_t n = *take(1);
            count_value();
            push(decode_long(take(n), n));
            return;
        }
        case 0x8b: {  // LONG4
            const int32_t n = read_le<int32_t>();
            if (n < 0) corrupt("LONG4 with a negative length");
            count_value();
            push(decode_long(take_claimed(static_cast<uint64_t>(n), "LONG4"),
                             static_cast<size_t>(n)));
            return;
        }
        case 'G': {  // BINFLOAT: big-endian
            const uint8_t* p = take(8);
            uint64_t bits = 0;
            for (int k = 0; k < 8; ++k) bits = (bits << 8) | p[k];
            auto v = make(Kind::Float);
            std::memcpy(&v->f, &bits, sizeof bits);
            count_value();
            push(v);
            return;
        }
        case 'S':  // STRING
            load_string_text();
            return;
        case 'T': {  // BINSTRING
            const int32_t n = read_le<int32_t>();
            if (n < 0) corrupt("BINSTRING with a negative length");
            load_binary_string(static_cast<uint64_t>(n), "BINSTRING");
            return;
        }
        case 'U':  // SHORT_BINSTRING
            load_binary_string(*take(1), "SHORT_BINSTRING");
            return;
        case 'V': {  // UNICODE
            auto v = make(Kind::String);
            v->s = raw_unicode_escape_decode(line());
            charge(v->s.size());
            count_value();
            push(v);
            return;
        }
        case 'X':  // BINUNICODE
            load_unicode(read_le<uint32_t>(), "BINUNICODE");
            return;
        case 0x8c:  // SHORT_BINUNICODE
            load_unicode(*take(1), "SHORT_BINUNICODE");
            return;
        case 0x8d:  // BINUNICODE8
            load_unicode(read_le<uint64_t>(), "BINUNICODE8");
            return;
        case 'B':  // BINBYTES
            load_bytes(read_le<uint32_t>(), "BINBYTES");
            return;
        case 'C':  // SHORT_BINBYTES
            load_bytes(*take(1), "SHORT_BINBYTES");
            return;
        case 0x8e:  // BINBYTES8
            load_bytes(read_le<uint64_t>(), "BINBYTES8");
            return;
        case 0x96:  // BYTEARRAY8
            load_bytes(read_le<uint64_t>(), "BYTEARRAY8");
            return;
        case 'N':  // NONE
            count_value();
            push(make(Kind::None));
            return;
        case 0x88:    // NEWTRUE
        case 0x89: {  // NEWFALSE
            auto v = make(Kind::Bool);
            v->b = op == 0x88;
            count_value();
            push(v);
            return;
        }
        case ']':  // EMPTY_LIST
            push(make_container(Kind::List, {}));
            return;
        case 'a': {  // APPEND
            ValuePtr item = pop();
            append(top(), {std::move(item)});
            return;
        }
        case 'e': {  // APPENDS
            auto items = pop_mark();
            append(top(), std::move(items));
            return;
        }
        case 'l':  // LIST
            push(make_container(Kind::List, pop_mark()));
            return;
        case ')':  // EMPTY_TUPLE
            push(make_container(Kind::Tuple, {}));
            return;
        case 't':  // TUPLE
            push(make_container(Kind::Tuple, pop_mark()));
            return;
        case 0x85:    // TUPLE1
        case 0x86:    // TUPLE2
        case 0x87: {  // TUPLE3
            const size_t n = op - 0x84u;
            std::vector<ValuePtr> items(n);
            for (size_t k = n; k-- > 0;) items[k] = pop();
            push(make_container(Kind::Tuple, std::move(items)));
            return;
        }
        case '}':  // EMPTY_DICT
            push(make_dict({}));
            return;
        case 'd': {  // DICT
            auto items = pop_mark();
            auto dict = make_dict({});
            set_items(dict, std::move(items));
            push(dict);
            return;
        }
        case 's': {  // SETITEM
            ValuePtr value = pop();
            ValuePtr key = pop();
            set_items(top(), {std::move(key), std::move(value)});
            return;
        }
        case 'u': {  // SETITEMS
            auto items = pop_mark();
            set_items(top(), std::move(items));
            return;
        }
        case 0x8f:  // EMPTY_SET
            push(make_container(Kind::Set, {}));
            return;
        case 0x90: {  // ADDITEMS
            auto items = pop_mark();
            add_items(top(), std::move(items));
            return;
        }
        case 0x91:  // FROZENSET
            push(make_container(Kind::Set, pop_mark()));
            return;
        case 'g':  // GET
            load_get(text_index());
            return;
        case 'h':  // BINGET
            load_get(*take(1));
            return;
        case 'j':  // LONG_BINGET
            load_get(read_le<uint32_t>());
            return;
        case 'p':  // PUT
            load_put(text_index());
            return;
        case 'q':  // BINPUT
            load_put(*take(1));
            return;
        case 'r':  // LONG_BINPUT
            load_put(read_le<uint32_t>());
            return;
        case 0x94:  // MEMOIZE
            load_put(memo_.size());
            return;
        case 'c': {  // GLOBAL
            std::string module(line());
            std::string name(line());
            load_global(std::move(module), std::move(name));
            return;
        }
        case 0x93: {  // STACK_GLOBAL
            ValuePtr name = pop();
            ValuePtr module = pop();
            if (!module->is(Kind::String) || !name->is(Kind::String))
                corrupt("STACK_GLOBAL needs two strings");
            load_global(module->s, name->s);
            return;
        }
        case 'R': {  // REDUCE
            ValuePtr args = pop();
            ValuePtr callable = pop();
            push(call(callable, args));
            return;
        }
        case 'b':  // BUILD
            build();
            return;
        case 0x81: {  // NEWOBJ
            ValuePtr args = pop();
            ValuePtr cls = pop();
            new_object(cls, args);
            return;
        }
        case 0x92: {  // NEWOBJ_EX
            ValuePtr kwargs = pop();
            ValuePtr args = pop();
            ValuePtr cls = pop();
            if (!kwargs->is(Kind::Dict) || !kwargs->dict.empty())
                corrupt("NEWOBJ_EX with keyword arguments is not supported");
            new_object(cls, args);
            return;
        }
        case 'i': {  // INST: MARK args... INST module\nname\n
            std::string module(line());
            std::string name(line());
            auto args = pop_mark();
            load_global(std::move(module), std::move(name));
            ValuePtr cls = pop();
            push(call(cls, make_container(Kind::Tuple, std::move(args))));
            return;
        }
        case 'o': {  // OBJ: MARK cls args... OBJ
            auto items = pop_mark();
            if (items.empty()) corrupt("OBJ without a class");
            ValuePtr cls = items.front();
            items.erase(items.begin());
            push(call(cls, make_container(Kind::Tuple, std::move(items))));
            return;
        }
        case 'P': {  // PERSID
            auto pid = make(Kind::String);
            std::string_view text = line();
            if (!valid_utf8(text)) corrupt("PERSID argument is not text");
            pid->s = std::string(text);
            count_value();
            load_persistent(pid);
            return;
        }
        case 'Q':  // BINPERSID
            load_persistent(pop());
            return;
        case 0x82:
        case 0x83:
        case 0x84:
            throw FormatError(
                "refusing to load: the file uses the copyreg extension registry (EXT1/EXT2/EXT4), "
                "which names code by number");
        case 0x97:
        case 0x98:
            throw FormatError(
                "unsupported pickle: it uses out-of-band buffers (NEXT_BUFFER/READONLY_BUFFER)");
        case 0x95: {  // FRAME: only a hint for buffered readers
            const uint64_t n = read_le<uint64_t>();
            if (n > size_ - pos_) truncated();
            return;
        }
        case 0x80: {  // PROTO
            const uint8_t version = *take(1);
            if (version > 5)
                throw FormatError("unsupported pickle protocol " + std::to_string(version) +
                                  " (protocols 0 to 5 are read)");
            return;
        }
        default: {
            static const char hex[] = "0123456789abcdef";
            std::string code = {hex[op >> 4], hex[op & 15]};
            corrupt("unknown opcode 0x" + code + " at byte " + std::to_string(op_pos_));
        }
    }
}

void Machine::load_int_text() {
    std::string_view text = line();
    count_value();
    if (text == "00" || text == "01") {  // protocol 0's False and True
        auto v = make(Kind::Bool);
        v->b = text == "01";
        push(v);
        return;
    }
    push(parse_decimal_integer(text, "INT"));
}

void Machine::load_string_text() {
    std::string_view text = trim(line());
    if (text.size() < 2 || text.front() != text.back() ||
        (text.front() != '\'' && text.front() != '"'))
        corrupt("the STRING opcode argument must be quoted");
    auto v = make(Kind::String);
    v->s = latin1_to_utf8(escape_decode(text.substr(1, text.size() - 2)));
    charge(v->s.size());
    count_value();
    push(v);
}

// Python 2 str: read as latin-1 text, so that it round-trips to bytes where bytes are due.
void Machine::load_binary_string(uint64_t n, const char* opcode) {
    const uint8_t* p = take_claimed(n, opcode);
    auto v = make(Kind::String);
    v->s = latin1_to_utf8(std::string_view(reinterpret_cast<const char*>(p), n));
    charge(v->s.size());
    count_value();
    push(v);
}

void Machine::load_unicode(uint64_t n, const char* opcode) {
    const uint8_t* p = take_claimed(n, opcode);
    std::string_view text(reinterpret_cast<const char*>(p), n);
    if (!valid_utf8(text))
        corrupt(std::string(opcode) + " at byte " + std::to_string(op_pos_) + " is not UTF-8");
    auto v = make(Kind::String);
    v->s = std::string(text);
    charge(v->s.size());
    count_value();
    push(v);
}

void Machine::load_bytes(uint64_t n, const char* opcode) {
    const size_t start = pos_;
    const uint8_t* p = take_claimed(n, opcode);
    auto v = make(Kind::Bytes);
    if (n >= kLazyBytesThreshold)
        lazy_[v.get()] = LazySpan{v, start, static_cast<size_t>(n)};
    else
        v->s.assign(reinterpret_cast<const char*>(p), n);
    charge(v->s.size());
    count_value();
    push(v);
}

void Machine::load_global(std::string module, std::string name) {
    std::string full = python3_module(module) + "." + name;
    auto kind = look_up_global(full);
    if (!kind) refuse_global(full);
    auto v = make(Kind::String);
    v->s = std::move(full);
    meta(v).global = *kind;
    count_value();
    push(v);
}

void Machine::load_persistent(ValuePtr pid) {
    if (!persistent_load_)
        throw FormatError(
            "unsupported pickle: it refers to external data (a persistent id) and none is "
            "available here");
    ValuePtr v = persistent_load_(pid);
    if (!v) corrupt("a persistent id resolved to nothing");
    count_value();
    push(std::move(v));
}

void Machine::load_get(uint64_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end())
        corrupt("memo entry " + std::to_string(index) + " is read before it is stored (byte " +
                std::to_string(op_pos_) + ")");
    push(it->second);
}

void Machine::load_put(uint64_t index) {
    memo_[index] = top();
}

void Machine::append(ValuePtr list, std::vector<ValuePtr> items) {
    if (!list->is(Kind::List))
        corrupt("APPEND to a " + std::string(kind_word(list->kind)) + " at byte " +
                std::to_string(op_pos_));
    uint32_t height = 0;
    for (const auto& item : items) height = std::max(height, seal(item));
    Meta& m = mutable_target(list);
    grow(m, height);
    count_slots(items.size());
    list->items.insert(list->items.end(), std::make_move_iterator(items.begin()),
                       std::make_move_iterator(items.end()));
}

void Machine::set_items(ValuePtr dict, std::vector<ValuePtr> items) {
    if (!dict->is(Kind::Dict))
        corrupt("SETITEM on a " + std::string(kind_word(dict->kind)) + " at byte " +
                std::to_string(op_pos_));
    if (items.size() % 2 != 0) corrupt("SETITEMS with an odd number of items");
    uint32_t height = 0;
    for (const auto& item : items) height = std::max(height, seal(item));
    Meta& m = mutable_target(dict);
    grow(m, height);
    count_slots(items.size());
    for (size_t k = 0; k < items.size(); k += 2)
        dict->dict.emplace_back(std::move(items[k]), std::move(items[k + 1]));
}

void Machine::add_items(ValuePtr set, std::vector<ValuePtr> items) {
    if (!set->is(Kind::Set))
        corrupt("ADDITEMS to a " + std::string(kind_word(set->kind)) + " at byte " +
                std::to_string(op_pos_));
    uint32_t height = 0;
    for (const auto& item : items) height = std::max(height, seal(item));
    Meta& m = mutable_target(set);
    grow(m, height);
    count_slots(items.size());
    set->items.insert(set->items.end(), std::make_move_iterator(items.begin()),
                      std::make_move_iterator(items.end()));
}

// BUILD sets an object's state. Only three kinds of value take one; for the rest (an
// OrderedDict's `_metadata`, a tensor's, ...) the state is dropped: it is not data we use.
void Machine::build() {
    ValuePtr state = pop();
    ValuePtr target = top();
    const Meta* m = find_meta(target.get());
    const auto origin = m ? m->origin : Meta::Origin::Plain;
    if (origin == Meta::Origin::MergeState) {
        merge_state(target, state);
    } else if (origin == Meta::Origin::NumpyArray) {
        build_numpy_array(*target, state);
    } else if (origin == Meta::Origin::NumpyDtype) {
        // (version, byte order, subarray, names, fields, elsize, alignment, flags)
        if (!state->is(Kind::Tuple) || state->items.size() < 2 ||
            !state->items[1]->is(Kind::String) || state->items[1]->s.size() != 1)
            corrupt("bad NumPy dtype state");
        const char order = state->items[1]->s[0];
        if (order != '<' && order != '>' && order != '|' && order != '=')
            corrupt("bad NumPy byte order");
        target->s[0] = order == '=' ? '<' : order;
    } else if (!has_children(target->kind) && !target->is(Kind::Tensor)) {
        corrupt("BUILD on a " + std::string(kind_word(target->kind)) + " at byte " +
                std::to_string(op_pos_));
    }
}

// The instance dict (and slots) of a Namespace or EasyDict become its items.
void Machine::merge_state(const ValuePtr& target, const ValuePtr& state) {
    std::vector<ValuePtr> parts;
    if (state->is(Kind::Tuple) && state->items.size() == 2)
        parts = state->items;  // (dict state, slot state)
    else
        parts = {state};
    for (const auto& part : parts) {
        if (part->is(Kind::None)) continue;
        if (!part->is(Kind::Dict)) corrupt("the state of a dict-like object is not a dict");
        std::vector<ValuePtr> items;
        items.reserve(2 * part->dict.size());
        for (const auto& [k, v] : part->dict) {
            items.push_back(k);
            items.push_back(v);
        }
        set_items(target, std::move(items));
    }
}

void Machine::new_object(ValuePtr cls, ValuePtr args) {
    const Meta* m = find_meta(cls.get());
    if (!m || !m->global) corrupt("NEWOBJ on a value that is not a class");
    if (!args->is(Kind::Tuple)) corrupt("NEWOBJ arguments are not a tuple");
    switch (*m->global) {
        case Global::Dict:
        case Global::DictLike: {
            auto dict = make_dict({});
            meta(dict).origin =
                *m->global == Global::DictLike ? Meta::Origin::MergeState : Meta::Origin::Plain;
            push(dict);
            return;
        }
        case Global::Set:
            push(make_container(Kind::Set, {}));
            return;
        case Global::List:
            push(make_container(Kind::List, {}));
            return;
        case Global::Tuple:
            push(sequence_from(Kind::Tuple, args->items, cls->s));
            return;
        default:
            refuse_global(cls->s);
    }
}

ValuePtr Machine::call(const ValuePtr& callable, const ValuePtr& args) {
    const Meta* m = find_meta(callable.get());
    if (!m || !m->global)
        corrupt("the pickle calls a " + std::string(kind_word(callable->kind)) +
                ", which is not a global, at byte " + std::to_string(op_pos_));
    if (!args->is(Kind::Tuple))
        corrupt("the arguments of '" + printable(callable->s) + "' are not a tuple");
    return call_global(*m->global, callable->s, args->items);
}

void require_arity(const std::string& name, const std::vector<ValuePtr>& args, size_t lo,
                   size_t hi) {
    if (args.size() < lo || args.size() > hi)
        corrupt("'" + name + "' called with " + std::to_string(args.size()) + " arguments");
}

ValuePtr Machine::call_global(Global g, const std::string& name,
                              const std::vector<ValuePtr>& args) {
    switch (g) {
        case Global::Dict:
        case Global::DictLike: {
            ValuePtr dict = dict_from(args, name);
            meta(dict).origin =
                g == Global::DictLike ? Meta::Origin::MergeState : Meta::Origin::Plain;
            return dict;
        }
        case Global::Set:
            return sequence_from(Kind::Set, args, name);
        case Global::List:
            return sequence_from(Kind::List, args, name);
        case Global::Tuple:
            return sequence_from(Kind::Tuple, args, name);
        case Global::ByteArray:
        case Global::Bytes:
        case Global::CodecsEncode:
            return bytes_from(args, name);
        case Global::RebuildTensorV2:
            require_arity(name, args, 6, 7);
            return rebuild_tensor(args);
        case Global::RebuildTensor:
            require_arity(name, args, 4, 4);
            return rebuild_tensor(args);
        case Global::RebuildParameter:
        case Global::RebuildParameterWithState:
            require_arity(name, args, g == Global::RebuildParameter ? 3 : 4,
                          g == Global::RebuildParameter ? 3 : 4);
            if (!args[0]->is(Kind::Tensor)) corrupt("'" + name + "' needs a tensor");
            return args[0];
        case Global::RebuildFromTypeV2:
            return rebuild_from_type(args);
        case Global::LoadFromBytes:
            return load_from_bytes(args);
        case Global::PersistentObject:
            return persistent_object(args);
        case Global::CopyregReconstructor:
            return copyreg_reconstructor(args);
        case Global::NumpyScalar:
            return numpy_scalar(args);
        case Global::NumpyDtype:
            return numpy_dtype(args);
        case Global::NumpyReconstruct:
            return numpy_reconstruct(args);
        case Global::TorchDevice:
            return torch_device(args);
        case Global::TorchSize:
            require_arity(name, args, 0, 1);
            return sequence_from(Kind::Tuple, args, name);
        case Global::RestoreTypeTag:
            require_arity(name, args, 2, 2);
            if (!args[1]->is(Kind::String)) corrupt("'" + name + "' needs a type name");
            return args[0];
        case Global::Name:
            break;
    }
    throw FormatError("refusing to load: the file calls '" + printable(name) +
                      "', which is allowed only as a name, not as a constructor");
}

// OrderedDict(), dict(d), OrderedDict([[k, v], ...]) (Python 2's OrderedDict reduce).
ValuePtr Machine::dict_from(const std::vector<ValuePtr>& args, const std::string& name) {
    require_arity(name, args, 0, 1);
    std::vector<std::pair<ValuePtr, ValuePtr>> pairs;
    if (args.empty()) return make_dict({});
    const ValuePtr& src = args[0];
    if (src->is(Kind::Dict)) {
        pairs = src->dict;
    } else if (src->is(Kind::List) || src->is(Kind::Tuple)) {
        for (const auto& pair : src->items) {
            if (!(pair->is(Kind::List) || pair->is(Kind::Tuple)) || pair->items.size() != 2)
                corrupt("'" + name + "' needs (key, value) pairs");
            pairs.emplace_back(pair->items[0], pair->items[1]);
        }
    } else {
        corrupt("'" + name + "' called with a " + kind_word(src->kind));
    }
    return make_dict(std::move(pairs));
}

ValuePtr Machine::sequence_from(Kind kind, const std::vector<ValuePtr>& args,
                                const std::string& name) {
    require_arity(name, args, 0, 1);
    if (args.empty()) return make_container(kind, {});
    const ValuePtr& src = args[0];
    if (!(src->is(Kind::List) || src->is(Kind::Tuple) || src->is(Kind::Set)))
        corrupt("'" + name + "' called with a " + kind_word(src->kind));
    return make_container(kind, src->items);
}

// bytearray(), bytearray(b), bytearray(s, 'latin-1'), bytes(), bytes(b),
// _codecs.encode(s, 'latin1'): how protocols below 3 write bytes.
ValuePtr Machine::bytes_from(const std::vector<ValuePtr>& args, const std::string& name) {
    require_arity(name, args, name == "_codecs.encode" ? 2 : 0, 2);
    auto v = make(Kind::Bytes);
    count_value();
    if (args.empty()) return v;
    if (args.size() == 2) {
        const std::string& encoding = args[1]->as_string("encoding");
        if (encoding != "latin1" && encoding != "latin-1" && encoding != "iso-8859-1")
            corrupt("'" + name + "' with the encoding '" + printable(encoding) + "'");
        if (!args[0]->is(Kind::String)) corrupt("'" + name + "' needs a string to encode");
    } else if (!args[0]->is(Kind::Bytes)) {
        corrupt("'" + name + "' called with a " + kind_word(args[0]->kind));
    }
    ByteView view = bytes_of(args[0], name.c_str());
    if (view.owned.empty()) charge(view.size);
    v->s = view.owned.empty() ? std::string(reinterpret_cast<const char*>(view.data), view.size)
                              : std::move(view.owned);
    return v;
}

std::vector<int64_t> int_list(const ValuePtr& v, const char* what) {
    if (!(v->is(Kind::Tuple) || v->is(Kind::List))) corrupt(std::string(what) + " is not a tuple");
    if (v->items.size() > kMaxDims)
        corrupt(std::string(what) + " has more than " + std::to_string(kMaxDims) + " dimensions");
    std::vector<int64_t> out;
    for (const auto& item : v->items) {
        if (!item->is(Kind::Int)) corrupt(std::string(what) + " holds a non-integer");
        if (item->i < 0) corrupt(std::string(what) + " holds a negative number");
        out.push_back(item->i);
    }
    return out;
}

std::string shape_text(const std::vector<int64_t>& dims) {
    std::string s = "[";
    for (size_t k = 0; k < dims.size(); ++k) s += (k ? ", " : "") + std::to_string(dims[k]);
    return s + "]";
}

// _rebuild_tensor_v2(storage, offset, size, stride, ...): a view of a storage, which the
// persistent loader gave as a 1-D tensor.
ValuePtr Machine::rebuild_tensor(const std::vector<ValuePtr>& args) {
    const ValuePtr& storage = args[0];
    if (!storage->is(Kind::Tensor) || !storage->tensor || storage->tensor->shape.size() != 1 ||
        storage->tensor->strides.size() != 1 || storage->tensor->strides[0] != 1)
        corrupt("a tensor is rebuilt from a " + std::string(kind_word(storage->kind)) +
                " that is not a storage");
    const RawTensor& base = *storage->tensor;
    if (!args[1]->is(Kind::Int) || args[1]->i < 0) corrupt("bad tensor storage offset");
    const int64_t offset = args[1]->i;
    auto tensor = std::make_shared<RawTensor>();
    tensor->dtype = base.dtype;
    tensor->storage = base.storage;
    tensor->shape = int_list(args[2], "tensor size");
    tensor->strides = int_list(args[3], "tensor stride");
    if (tensor->shape.size() != tensor->strides.size())
        corrupt("tensor size and stride have different lengths");
    const int64_t length = base.shape[0];
    std::optional<int64_t> numel = 1;
    std::optional<int64_t> last = offset;
    for (size_t d = 0; d < tensor->shape.size(); ++d) {
        if (numel) numel = detail::checked_mul(*numel, tensor->shape[d]);
        if (last && tensor->shape[d] > 0)
            last = detail::checked_add(
                *last, detail::checked_mul(tensor->shape[d] - 1, tensor->strides[d]).value_or(-1));
    }
    const bool empty = numel && *numel == 0;
    const bool inside = empty ? offset <= length : (numel && last && *last < length);
    if (!inside)
        corrupt("tensor of size " + shape_text(tensor->shape) + ", stride " +
                shape_text(tensor->strides) + " and offset " + std::to_string(offset) +
                " exceeds its storage of " + std::to_string(length) + " elements");
    if (*numel / kMaxViewRepeat > std::max<int64_t>(length, 1))
        corrupt("tensor of size " + shape_text(tensor->shape) + " repeats its storage of " +
                std::to_string(length) + " elements implausibly often");
    tensor->offset = base.offset + offset;
    auto v = make(Kind::Tensor);
    v->tensor = std::move(tensor);
    count_value();
    return v;
}

// _rebuild_from_type_v2(func, type, args, state): func(*args), for a tensor subclass.
ValuePtr Machine::rebuild_from_type(const std::vector<ValuePtr>& args) {
    require_arity("torch._tensor._rebuild_from_type_v2", args, 4, 4);
    const Meta* m = find_meta(args[0].get());
    if (!m || !m->global || *m->global == Global::RebuildFromTypeV2)
        corrupt("_rebuild_from_type_v2 needs an allow-listed function");
    if (!args[2]->is(Kind::Tuple)) corrupt("_rebuild_from_type_v2 arguments are not a tuple");
    return call_global(*m->global, args[0]->s, args[2]->items);
}

// torch.storage._load_from_bytes(b): a storage saved with the legacy serialisation.
ValuePtr Machine::load_from_bytes(const std::vector<ValuePtr>& args) {
    require_arity("torch.storage._load_from_bytes", args, 1, 1);
    if (embedded_depth >= kMaxEmbeddedDepth)
        corrupt("storages nested inside storages more than " + std::to_string(kMaxEmbeddedDepth) +
                " deep");
    ByteView view = bytes_of(args[0], "the argument of _load_from_bytes");
    charge(view.size);
    struct DepthGuard {
        DepthGuard() { ++embedded_depth; }
        ~DepthGuard() { --embedded_depth; }
    } guard;
    ValuePtr v = detail::load_legacy_bytes(view.data, view.size);
    count_value();
    return v;
}

// NVIDIA's torch_utils.persistence: the object's class name and state. The class's source
// code (meta['module_src']) is never looked at.
ValuePtr Machine::persistent_object(const std::vector<ValuePtr>& args) {
    const std::string name = "torch_utils.persistence._reconstruct_persistent_obj";
    require_arity(name, args, 1, 1);
    const ValuePtr& m = args[0];
    if (!m->is(Kind::Dict)) corrupt("'" + name + "' needs a dict");
    ValuePtr type = m->get("type");
    if (!type || !type->is(Kind::String) || type->s != "class")
        corrupt("persistent object of a type other than 'class'");
    ValuePtr class_name = m->get("class_name");
    if (!class_name || !class_name->is(Kind::String))
        corrupt("persistent object without a class name");
    ValuePtr state = m->get("state");
    if (!state || state->is(Kind::None)) state = make_dict({});
    if (!state->is(Kind::Dict)) corrupt("persistent object whose state is not a dict");
    auto v = make(Kind::Object);
    v->class_name = class_name->s;
    v->state = state;
    grow(meta(v), seal(state));
    count_value();
    return v;
}

// copyreg._reconstructor(cls, base, state): how protocols 0 and 1 write dict subclasses and
// plain objects; BUILD then fills in the instance dict.
ValuePtr Machine::copyreg_reconstructor(const std::vector<ValuePtr>& args) {
    require_arity("copyreg._reconstructor", args, 3, 3);
    const Meta* cls = find_meta(args[0].get());
    const Meta* base = find_meta(args[1].get());
    if (!cls || !cls->global || (*cls->global != Global::Dict && *cls->global != Global::DictLike))
        refuse_global(args[0]->s);
    if (!base || !base->global ||
        (args[1]->s != "builtins.object" && args[1]->s != "builtins.dict"))
        refuse_global(args[1]->s);
    ValuePtr dict = args[2]->is(Kind::Dict) ? make_dict(args[2]->dict) : make_dict({});
    if (!args[2]->is(Kind::Dict) && !args[2]->is(Kind::None))
        corrupt("copyreg._reconstructor state is not a dict");
    meta(dict).origin =
        *cls->global == Global::DictLike ? Meta::Origin::MergeState : Meta::Origin::Plain;
    return dict;
}

std::string numpy_type_string(const ValuePtr& v) {
    if (!v->is(Kind::String)) corrupt("NumPy dtype is not a dtype");
    return v->s;
}

// numpy.core.multiarray.scalar(dtype, bytes): a NumPy scalar such as np.float64(1.5).
ValuePtr Machine::numpy_scalar(const std::vector<ValuePtr>& args) {
    require_arity("numpy.core.multiarray.scalar", args, 2, 2);
    const auto descr = detail::parse_numpy_descr(numpy_type_string(args[0]));
    ByteView view = bytes_of(args[1], "NumPy scalar data");
    if (view.size != static_cast<size_t>(descr.size))
        corrupt("NumPy scalar of " + std::to_string(view.size) + " bytes for dtype '" +
                printable(args[0]->s) + "'");
    uint8_t raw[8] = {};
    std::memcpy(raw, view.data, view.size);
    if (descr.big_endian) std::reverse(raw, raw + descr.size);
    auto v = make(Kind::Int);
    count_value();
    if (descr.kind == 'f') {
        v->kind = Kind::Float;
        if (descr.size == 8) {
            std::memcpy(&v->f, raw, 8);
        } else if (descr.size == 4) {
            float f;
            std::memcpy(&f, raw, 4);
            v->f = f;
        } else {
            auto storage = std::make_shared<Storage>();
            storage->dtype = DType::Float16;
            storage->bytes.assign(raw, raw + 2);
            RawTensor t;
            t.dtype = DType::Float16;
            t.storage = storage;
            v->f = t.to_float_vector()[0];
        }
    } else if (descr.kind == 'b') {
        v->kind = Kind::Bool;
        v->b = raw[0] != 0;
    } else {
        uint64_t bits = 0;
        std::memcpy(&bits, raw, 8);
        const int shift = 64 - 8 * descr.size;
        if (descr.kind == 'i') {
            v->i = static_cast<int64_t>(bits << shift) >> shift;  // sign-extend
        } else if (bits > static_cast<uint64_t>(INT64_MAX)) {
            v->kind = Kind::Float;
            v->f = static_cast<double>(bits);
        } else {
            v->i = static_cast<int64_t>(bits);
        }
    }
    return v;
}

// numpy.dtype('f8', False, True); BUILD then sets the byte order.
ValuePtr Machine::numpy_dtype(const std::vector<ValuePtr>& args) {
    require_arity("numpy.dtype", args, 1, 3);
    std::string name = numpy_type_string(args[0]);
    if (name.size() > 16) corrupt("implausible NumPy dtype name");
    auto v = make(Kind::String);
    const bool has_order =
        !name.empty() && std::string_view("<>|=").find(name[0]) != std::string_view::npos;
    v->s = has_order ? name : "<" + name;
    meta(v).origin = Meta::Origin::NumpyDtype;
    count_value();
    return v;
}

// numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b'): an empty array that BUILD
// fills in.
ValuePtr Machine::numpy_reconstruct(const std::vector<ValuePtr>& args) {
    require_arity("numpy.core.multiarray._reconstruct", args, 3, 3);
    const Meta* cls = find_meta(args[0].get());
    if (!cls || !cls->global || args[0]->s != "numpy.ndarray")
        corrupt("numpy _reconstruct of something other than numpy.ndarray");
    auto tensor = std::make_shared<RawTensor>();
    tensor->shape = {0};
    tensor->strides = {1};
    tensor->storage = std::make_shared<Storage>();
    auto v = make(Kind::Tensor);
    v->tensor = std::move(tensor);
    meta(v).origin = Meta::Origin::NumpyArray;
    count_value();
    return v;
}

// ndarray.__setstate__((version,) shape, dtype, is_fortran, rawdata).
void Machine::build_numpy_array(Value& array, const ValuePtr& state) {
    if (!state->is(Kind::Tuple) || (state->items.size() != 4 && state->items.size() != 5))
        corrupt("bad NumPy array state");
    const size_t first = state->items.size() - 4;
    const auto shape = int_list(state->items[first], "NumPy array shape");
    const auto descr = detail::parse_numpy_descr(numpy_type_string(state->items[first + 1]));
    const ValuePtr& fortran = state->items[first + 2];
    const ValuePtr& raw = state->items[first + 3];
    if (raw->is(Kind::List)) corrupt("NumPy object arrays are refused");
    auto dtype = detail::dtype_for_numpy(descr);
    if (!dtype)
        corrupt("NumPy arrays of dtype '" + printable(state->items[first + 1]->s) +
                "' are not supported");
    std::optional<int64_t> numel = 1;
    for (int64_t d : shape) numel = numel ? detail::checked_mul(*numel, d) : std::nullopt;
    ByteView view = bytes_of(raw, "NumPy array data");
    const auto bytes = numel ? detail::checked_mul(*numel, descr.size) : std::nullopt;
    if (!bytes || static_cast<uint64_t>(*bytes) != view.size)
        corrupt("NumPy array of shape " + shape_text(shape) + " with " + std::to_string(view.size) +
                " bytes of data");
    charge(view.size);
    auto storage = std::make_shared<Storage>();
    storage->dtype = *dtype;
    storage->bytes.assign(view.data, view.data + view.size);
    if (descr.big_endian) detail::swap_byte_order(storage->bytes.data(), view.size, descr.size);
    auto tensor = std::make_shared<RawTensor>();
    tensor->dtype = *dtype;
    tensor->shape = shape;
    tensor->strides.resize(shape.size());
    const bool column_major = fortran->is(Kind::Bool) && fortran->b;
    int64_t stride = 1;
    for (size_t k = 0; k < shape.size(); ++k) {
        const size_t d = column_major ? k : shape.size() - 1 - k;
        tensor->strides[d] = stride;
        stride *= std::max<int64_t>(shape[d], 1);
    }
    tensor->storage = std::move(storage);
    array.tensor = std::move(tensor);
}

// torch.device('cuda', 0) -> "cuda:0".
ValuePtr Machine::torch_device(const std::vector<ValuePtr>& args) {
    require_arity("torch.device", args, 1, 2);
    auto v = make(Kind::String);
    v->s = args[0]->as_string("torch.device type");
    if (args.size() == 2 && !args[1]->is(Kind::None))
        v->s += ":" + std::to_string(args[1]->as_int("torch.device index"));
    count_value();
    return v;
}

}  // namespace

ValuePtr read_pickle(const uint8_t* data, size_t size, size_t* pos,
                     const PersistentLoader& persistent_load, const PickleLimits& limits) {
    if (pos == nullptr) throw FormatError("read_pickle needs a position");
    if (data == nullptr && size != 0) throw FormatError("read_pickle given no data");
    Machine machine(data, size, *pos, persistent_load, limits);
    return machine.run(pos);
}

}  // namespace ls::io
