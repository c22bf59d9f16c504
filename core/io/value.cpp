// The value tree's accessors and the conversion of raw tensors to float, plus the small
// helpers that the readers share (internal.h).
#include "io/value.h"

#include <algorithm>
#include <cstring>

#include "io/internal.h"

namespace ls::io {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the readers copy little-endian file data as it is: a little-endian host is needed");

int64_t element_size(DType dtype) {
    switch (dtype) {
        case DType::Float64:
        case DType::Int64:
            return 8;
        case DType::Float32:
        case DType::Int32:
            return 4;
        case DType::Float16:
        case DType::BFloat16:
        case DType::Int16:
            return 2;
        case DType::Int8:
        case DType::UInt8:
        case DType::Bool:
            return 1;
    }
    return 1;
}

const char* dtype_name(DType dtype) {
    switch (dtype) {
        case DType::Float32:
            return "float32";
        case DType::Float64:
            return "float64";
        case DType::Float16:
            return "float16";
        case DType::BFloat16:
            return "bfloat16";
        case DType::Int64:
            return "int64";
        case DType::Int32:
            return "int32";
        case DType::Int16:
            return "int16";
        case DType::Int8:
            return "int8";
        case DType::UInt8:
            return "uint8";
        case DType::Bool:
            return "bool";
    }
    return "unknown";
}

int64_t RawTensor::numel() const {
    int64_t n = 1;
    for (int64_t d : shape) {
        auto next = detail::checked_mul(n, d);
        if (!next || d < 0) throw FormatError("tensor shape overflows");
        n = *next;
    }
    return n;
}

namespace {

float bfloat16_to_float(uint16_t h) {
    uint32_t bits = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

template <typename T>
T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// One element of the storage at element index `i`, as float.
template <DType D>
float element_at(const uint8_t* base, int64_t i);
template <>
float element_at<DType::Float32>(const uint8_t* b, int64_t i) {
    return load<float>(b + 4 * i);
}
template <>
float element_at<DType::Float64>(const uint8_t* b, int64_t i) {
    return static_cast<float>(load<double>(b + 8 * i));
}
template <>
float element_at<DType::Float16>(const uint8_t* b, int64_t i) {
    return detail::half_to_float(load<uint16_t>(b + 2 * i));
}
template <>
float element_at<DType::BFloat16>(const uint8_t* b, int64_t i) {
    return bfloat16_to_float(load<uint16_t>(b + 2 * i));
}
template <>
float element_at<DType::Int64>(const uint8_t* b, int64_t i) {
    return static_cast<float>(load<int64_t>(b + 8 * i));
}
template <>
float element_at<DType::Int32>(const uint8_t* b, int64_t i) {
    return static_cast<float>(load<int32_t>(b + 4 * i));
}
template <>
float element_at<DType::Int16>(const uint8_t* b, int64_t i) {
    return static_cast<float>(load<int16_t>(b + 2 * i));
}
template <>
float element_at<DType::Int8>(const uint8_t* b, int64_t i) {
    return static_cast<float>(static_cast<int8_t>(b[i]));
}
template <>
float element_at<DType::UInt8>(const uint8_t* b, int64_t i) {
    return static_cast<float>(b[i]);
}
template <>
float element_at<DType::Bool>(const uint8_t* b, int64_t i) {
    return b[i] != 0 ? 1.0f : 0.0f;
}

// Walks the view in C order: an odometer over the outer dimensions, a tight loop over the
// innermost one.
template <DType D>
void gather(const RawTensor& t, const uint8_t* base, float* out) {
    const size_t ndim = t.shape.size();
    if (ndim == 0) {
        out[0] = element_at<D>(base, t.offset);
        return;
    }
    const int64_t inner = t.shape[ndim - 1];
    const int64_t inner_stride = t.strides[ndim - 1];
    std::vector<int64_t> index(ndim - 1, 0);
    int64_t start = t.offset;
    while (true) {
        for (int64_t k = 0; k < inner; ++k) *out++ = element_at<D>(base, start + k * inner_stride);
        size_t d = ndim - 1;
        while (d > 0) {
            --d;
            start += t.strides[d];
            if (++index[d] < t.shape[d]) break;
            start -= t.strides[d] * t.shape[d];
            index[d] = 0;
            if (d == 0) return;
        }
        if (ndim == 1) return;
    }
}

bool is_contiguous(const RawTensor& t) {
    int64_t expected = 1;
    for (size_t d = t.shape.size(); d-- > 0;) {
        if (t.shape[d] != 1 && t.strides[d] != expected) return false;
        expected *= t.shape[d];
    }
    return true;
}

// The view must stay inside the storage: checked again here because a RawTensor can also be
// made by hand, not only by the readers.
void check_view(const RawTensor& t, int64_t numel) {
    if (!t.storage) throw FormatError("tensor has no storage");
    if (t.strides.size() != t.shape.size()) throw FormatError("tensor strides do not match shape");
    const int64_t available = static_cast<int64_t>(t.storage->bytes.size()) / element_size(t.dtype);
    if (t.storage->dtype != t.dtype && element_size(t.storage->dtype) != element_size(t.dtype))
        throw FormatError("tensor and storage element sizes differ");
    if (numel == 0) return;
    std::optional<int64_t> last = t.offset;
    for (size_t d = 0; d < t.shape.size() && last; ++d) {
        if (t.strides[d] < 0) throw FormatError("tensor has a negative stride");
        auto step = detail::checked_mul(t.shape[d] - 1, t.strides[d]);
        last = step ? detail::checked_add(*last, *step) : std::nullopt;
    }
    if (t.offset < 0 || !last || *last >= available)
        throw FormatError("tensor view reaches past the end of its storage");
}

}  // namespace

std::vector<float> RawTensor::to_float_vector() const {
    const int64_t n = numel();
    check_view(*this, n);
    std::vector<float> out(static_cast<size_t>(n));
    if (n == 0) return out;
    const uint8_t* base = storage->bytes.data();
    if (dtype == DType::Float32 && is_contiguous(*this)) {
        std::memcpy(out.data(), base + offset * 4, static_cast<size_t>(n) * 4);
        return out;
    }
    switch (dtype) {
        case DType::Float32:
            gather<DType::Float32>(*this, base, out.data());
            break;
        case DType::Float64:
            gather<DType::Float64>(*this, base, out.data());
            break;
        case DType::Float16:
            gather<DType::Float16>(*this, base, out.data());
            break;
        case DType::BFloat16:
            gather<DType::BFloat16>(*this, base, out.data());
            break;
        case DType::Int64:
            gather<DType::Int64>(*this, base, out.data());
            break;
        case DType::Int32:
            gather<DType::Int32>(*this, base, out.data());
            break;
        case DType::Int16:
            gather<DType::Int16>(*this, base, out.data());
            break;
        case DType::Int8:
            gather<DType::Int8>(*this, base, out.data());
            break;
        case DType::UInt8:
            gather<DType::UInt8>(*this, base, out.data());
            break;
        case DType::Bool:
            gather<DType::Bool>(*this, base, out.data());
            break;
    }
    return out;
}

namespace {

const char* kind_name(Value::Kind kind) {
    switch (kind) {
        case Value::Kind::None:
            return "None";
        case Value::Kind::Bool:
            return "a bool";
        case Value::Kind::Int:
            return "an integer";
        case Value::Kind::Float:
            return "a float";
        case Value::Kind::String:
            return "a string";
        case Value::Kind::Bytes:
            return "bytes";
        case Value::Kind::Tuple:
            return "a tuple";
        case Value::Kind::List:
            return "a list";
        case Value::Kind::Dict:
            return "a dict";
        case Value::Kind::Set:
            return "a set";
        case Value::Kind::Tensor:
            return "a tensor";
        case Value::Kind::Object:
            return "an object";
    }
    return "a value";
}

[[noreturn]] void wrong_kind(const char* what, const char* expected, Value::Kind found) {
    throw FormatError(std::string("expected ") + expected + " for '" + (what ? what : "value") +
                      "', found " + kind_name(found));
}

}  // namespace

// Later entries win, as a Python dict keeps the last value set for a key.
ValuePtr Value::get(const std::string& key) const {
    if (kind == Kind::Object) return state ? state->get(key) : nullptr;
    if (kind != Kind::Dict) return nullptr;
    for (auto it = dict.rbegin(); it != dict.rend(); ++it) {
        const ValuePtr& k = it->first;
        if (k && k->kind == Kind::String && k->s == key) return it->second;
    }
    return nullptr;
}

int64_t Value::as_int(const char* what) const {
    if (kind == Kind::Int) return i;
    if (kind == Kind::Bool) return b ? 1 : 0;  // Python's bool is an int
    wrong_kind(what, "an integer", kind);
}

double Value::as_number(const char* what) const {
    if (kind == Kind::Float) return f;
    if (kind == Kind::Int) return static_cast<double>(i);
    if (kind == Kind::Bool) return b ? 1.0 : 0.0;
    wrong_kind(what, "a number", kind);
}

const std::string& Value::as_string(const char* what) const {
    if (kind == Kind::String) return s;
    wrong_kind(what, "a string", kind);
}

namespace detail {

float half_to_float(uint16_t h) {
    uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);  // inf, nan
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        // Subnormal: shift the mantissa up until its leading bit becomes the implicit one.
        uint32_t e = 113;
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            --e;
        }
        bits = sign | (e << 23) | ((mantissa & 0x3ffu) << 13);
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

std::string printable(std::string_view text, size_t max_chars) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (size_t k = 0; k < text.size(); ++k) {
        if (out.size() >= max_chars) {
            out += "...";
            break;
        }
        const auto c = static_cast<unsigned char>(text[k]);
        if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
    int64_t r;
    if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

std::optional<int64_t> checked_add(int64_t a, int64_t b) {
    int64_t r;
    if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &r)) return std::nullopt;
    return r;
}

NumpyDescr parse_numpy_descr(std::string_view descr) {
    const std::string shown = "'" + printable(descr, 40) + "'";
    NumpyDescr out;
    std::string_view rest = descr;
    if (!rest.empty() && (rest[0] == '<' || rest[0] == '>' || rest[0] == '|' || rest[0] == '=')) {
        out.big_endian = rest[0] == '>';
        rest.remove_prefix(1);
    }
    if (rest.empty()) throw FormatError("empty NumPy dtype " + shown);
    out.kind = rest[0];
    rest.remove_prefix(1);
    if (out.kind == 'O') throw FormatError("NumPy object arrays (dtype " + shown + ") are refused");
    if (rest.size() != 1 || rest[0] < '1' || rest[0] > '8')
        throw FormatError("NumPy dtype " + shown + " is not supported");
    out.size = rest[0] - '0';
    const bool ok = (out.kind == 'f' && (out.size == 2 || out.size == 4 || out.size == 8)) ||
                    ((out.kind == 'i' || out.kind == 'u') &&
                     (out.size == 1 || out.size == 2 || out.size == 4 || out.size == 8)) ||
                    (out.kind == 'b' && out.size == 1);
    if (!ok) throw FormatError("NumPy dtype " + shown + " is not supported");
    if (out.size == 1) out.big_endian = false;
    return out;
}

std::optional<DType> dtype_for_numpy(const NumpyDescr& d) {
    switch (d.kind) {
        case 'f':
            return d.size == 2 ? DType::Float16 : d.size == 4 ? DType::Float32 : DType::Float64;
        case 'i':
            return d.size == 1   ? DType::Int8
                   : d.size == 2 ? DType::Int16
                   : d.size == 4 ? DType::Int32
                                 : DType::Int64;
        case 'u':
            if (d.size == 1) return DType::UInt8;
            return std::nullopt;
        case 'b':
            return DType::Bool;
    }
    return std::nullopt;
}

void swap_byte_order(uint8_t* data, size_t bytes, int size) {
    if (size <= 1) return;
    for (size_t k = 0; k + static_cast<size_t>(size) <= bytes; k += static_cast<size_t>(size))
        std::reverse(data + k, data + k + size);
}

}  // namespace detail
}  // namespace ls::io
