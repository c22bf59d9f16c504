// safetensors reading and writing. nlohmann-json parses the header; everything else is the
// few checks the format needs (offsets inside the data, sizes matching the shapes), written
// here because no Debian package reads safetensors from C++.
#include "io/safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

#include "io/internal.h"
#include "io/npy.h"

namespace ls::io {
namespace {

using detail::printable;
using json = nlohmann::json;

// The format's own limit on the header (100 MB); a larger one is a corrupt or hostile file.
constexpr uint64_t kMaxHeader = 100'000'000;

struct DTypeName {
    const char* name;
    DType dtype;
};
constexpr DTypeName kDTypes[] = {
    {"F32", DType::Float32},   {"F64", DType::Float64}, {"F16", DType::Float16},
    {"BF16", DType::BFloat16}, {"I64", DType::Int64},   {"I32", DType::Int32},
    {"I16", DType::Int16},     {"I8", DType::Int8},     {"U8", DType::UInt8},
    {"BOOL", DType::Bool},
};

const char* safetensors_dtype(DType d) {
    for (const auto& e : kDTypes) {
        if (e.dtype == d) return e.name;
    }
    throw FormatError("safetensors: unsupported dtype");
}

[[noreturn]] void fail(const std::string& why) {
    throw FormatError("not a readable safetensors file: " + why);
}

uint64_t read_le64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

RawTensor tensor_from(const std::string& name, const json& entry, const uint8_t* data,
                      uint64_t data_size, std::pair<uint64_t, uint64_t>* range) {
    const std::string who = "tensor '" + printable(name, 80) + "'";
    if (!entry.is_object()) fail(who + " is not described by an object");
    const auto dt = entry.find("dtype");
    const auto shape = entry.find("shape");
    const auto offsets = entry.find("data_offsets");
    if (dt == entry.end() || !dt->is_string() || shape == entry.end() || !shape->is_array() ||
        offsets == entry.end() || !offsets->is_array() || offsets->size() != 2) {
        fail(who + " lacks dtype, shape or data_offsets");
    }
    RawTensor t;
    const std::string dname = dt->get<std::string>();
    const auto known = std::find_if(std::begin(kDTypes), std::end(kDTypes),
                                    [&](const DTypeName& e) { return dname == e.name; });
    if (known == std::end(kDTypes)) fail(who + " has an unsupported dtype " + printable(dname, 20));
    t.dtype = known->dtype;
    if (shape->size() > 16) fail(who + " has more than 16 dimensions");
    int64_t numel = 1;
    for (const auto& d : *shape) {
        if (!d.is_number_unsigned()) fail(who + " has a shape that is not of sizes");
        const uint64_t v = d.get<uint64_t>();
        auto n = v > static_cast<uint64_t>(INT64_MAX) ? std::nullopt
                                                      : detail::checked_mul(numel, int64_t(v));
        if (!n) fail(who + " is too large");
        numel = *n;
        t.shape.push_back(static_cast<int64_t>(v));
    }
    for (const auto& o : *offsets) {
        if (!o.is_number_unsigned()) fail(who + " has offsets that are not sizes");
    }
    const uint64_t begin = (*offsets)[0].get<uint64_t>(), end = (*offsets)[1].get<uint64_t>();
    const auto bytes = detail::checked_mul(numel, element_size(t.dtype));
    if (begin > end || end > data_size) fail(who + " lies outside the file");
    if (!bytes || static_cast<uint64_t>(*bytes) != end - begin) {
        fail(who + " has " + std::to_string(end - begin) + " bytes, not what its shape needs");
    }
    auto storage = std::make_shared<Storage>();
    storage->dtype = t.dtype;
    storage->bytes.assign(data + begin, data + end);
    t.storage = storage;
    // C-order strides, in elements.
    t.strides.assign(t.shape.size(), 1);
    for (int i = static_cast<int>(t.shape.size()) - 2; i >= 0; --i) {
        t.strides[i] = t.strides[i + 1] * std::max<int64_t>(t.shape[i + 1], 1);
    }
    *range = {begin, end};
    return t;
}

// The header length from the first 8 bytes, checked against the file's size.
uint64_t header_size_of(const uint8_t* first8, uint64_t file_size) {
    if (file_size < 8) fail("shorter than its 8-byte header length");
    const uint64_t header_size = read_le64(first8);
    if (header_size > kMaxHeader || header_size > file_size - 8) {
        fail("the header length (" + std::to_string(header_size) + ") does not fit the file");
    }
    return header_size;
}

json parse_header(const uint8_t* header, uint64_t size) {
    const auto* begin = reinterpret_cast<const char*>(header);
    json j = json::parse(begin, begin + size, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) fail("the header is not a JSON object");
    return j;
}

std::map<std::string, std::string> metadata_of(const json& entry) {
    if (!entry.is_object()) fail("__metadata__ is not an object");
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : entry.items()) {
        if (!v.is_string()) fail("metadata '" + printable(k, 40) + "' is not a string");
        out[k] = v.get<std::string>();
    }
    return out;
}

}  // namespace

SafetensorsFile parse_safetensors(const std::vector<uint8_t>& bytes) {
    const uint64_t header_size = header_size_of(bytes.data(), bytes.size());
    const json header = parse_header(bytes.data() + 8, header_size);

    const uint8_t* data = bytes.data() + 8 + header_size;
    const uint64_t data_size = bytes.size() - 8 - header_size;
    SafetensorsFile out;
    std::vector<std::pair<std::pair<uint64_t, uint64_t>, std::pair<std::string, RawTensor>>> found;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            out.metadata = metadata_of(entry);
            continue;
        }
        std::pair<uint64_t, uint64_t> range;
        RawTensor t = tensor_from(name, entry, data, data_size, &range);
        found.push_back({range, {name, std::move(t)}});
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < found.size(); ++i) {
        if (found[i].first.first < found[i - 1].first.second) {
            fail("tensors '" + printable(found[i - 1].second.first, 60) + "' and '" +
                 printable(found[i].second.first, 60) + "' overlap");
        }
    }
    for (auto& f : found) out.tensors.push_back(std::move(f.second));
    return out;
}

SafetensorsFile read_safetensors(const std::string& path) {
    const std::vector<uint8_t> bytes = read_file_bytes(path);
    try {
        return parse_safetensors(bytes);
    } catch (const FormatError& e) {
        throw FormatError(detail::quoted_path(path) + " is " + e.what());
    }
}

std::map<std::string, std::string> read_safetensors_metadata(const std::string& path) {
    const uint64_t file_size = detail::check_readable_file(path);
    try {
        const std::vector<uint8_t> first = detail::read_file_head(path, 8);
        const uint64_t header_size = header_size_of(first.data(), file_size);
        const std::vector<uint8_t> head = detail::read_file_head(path, 8 + header_size);
        const json header = parse_header(head.data() + 8, header_size);
        auto it = header.find("__metadata__");
        return it == header.end() ? std::map<std::string, std::string>{} : metadata_of(*it);
    } catch (const FormatError& e) {
        throw FormatError(detail::quoted_path(path) + " is " + e.what());
    }
}

std::vector<uint8_t> serialize_safetensors(const std::map<std::string, std::string>& metadata,
                                           const std::vector<TensorBytes>& tensors) {
    json header = json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        int64_t numel = 1;
        for (int64_t d : t.shape) numel *= d;
        if (static_cast<uint64_t>(numel * element_size(t.dtype)) != t.bytes.size()) {
            throw FormatError("safetensors: tensor '" + t.name + "' has " +
                              std::to_string(t.bytes.size()) + " bytes for its shape");
        }
        if (header.contains(t.name))
            throw FormatError("safetensors: tensor '" + t.name + "' twice");
        header[t.name] = {{"dtype", safetensors_dtype(t.dtype)},
                          {"shape", t.shape},
                          {"data_offsets", {offset, offset + t.bytes.size()}}};
        offset += t.bytes.size();
    }
    std::string text = header.dump();
    // Pad the header with spaces so that the data starts 8-byte aligned (as the reference
    // writer does), which lets readers map the tensors in place.
    while ((text.size() + 8) % 8 != 0) text.push_back(' ');
    const uint64_t n = text.size();
    std::vector<uint8_t> out(8 + n + offset);
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(n >> (8 * i));
    std::memcpy(out.data() + 8, text.data(), n);
    uint8_t* p = out.data() + 8 + n;
    for (const auto& t : tensors) {
        if (!t.bytes.empty()) std::memcpy(p, t.bytes.data(), t.bytes.size());
        p += t.bytes.size();
    }
    return out;
}

void write_safetensors(const std::string& path, const std::map<std::string, std::string>& metadata,
                       const std::vector<TensorBytes>& tensors) {
    write_file_atomic(path, serialize_safetensors(metadata, tensors));
}

}  // namespace ls::io
