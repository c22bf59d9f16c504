// The data model that the safe readers produce: a tree of plain values, with tensors kept as
// raw bytes. Nothing here depends on LibTorch, so the readers build (and are fuzzed) alone.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ls::io {

// Thrown for any file that cannot be read: the message is one line a user can act on.
class FormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class DType { Float32, Float64, Float16, BFloat16, Int64, Int32, Int16, Int8, UInt8, Bool };

int64_t element_size(DType dtype);
const char* dtype_name(DType dtype);

// The bytes of one storage (little endian, as torch.save and NumPy write them).
struct Storage {
    DType dtype = DType::Float32;
    std::vector<uint8_t> bytes;
};

// A strided view of a storage, as torch._utils._rebuild_tensor_v2 describes one.
// Strides and offset count elements, not bytes. The view is checked against the storage's
// size when it is made, so converting it never reads out of bounds.
struct RawTensor {
    DType dtype = DType::Float32;
    std::vector<int64_t> shape;
    std::vector<int64_t> strides;
    int64_t offset = 0;
    std::shared_ptr<const Storage> storage;

    int64_t numel() const;
    // The elements in C order, converted to float (any dtype above).
    std::vector<float> to_float_vector() const;
};

struct Value;
using ValuePtr = std::shared_ptr<Value>;

// One value of an unpickled object tree. Only data: globals on the allow-list are turned into
// data as they are met (OrderedDict -> Dict, a tensor rebuild -> Tensor, NVIDIA's persistent
// object -> Object with its class name and state, argparse.Namespace -> Dict, ...).
struct Value {
    enum class Kind { None, Bool, Int, Float, String, Bytes, Tuple, List, Dict, Set, Tensor, Object };

    Kind kind = Kind::None;
    bool b = false;
    int64_t i = 0;
    double f = 0.0;
    std::string s;                                  // String (UTF-8) and Bytes
    std::vector<ValuePtr> items;                    // Tuple, List, Set
    std::vector<std::pair<ValuePtr, ValuePtr>> dict;  // Dict, in insertion order
    std::shared_ptr<RawTensor> tensor;              // Tensor
    std::string class_name;                         // Object: e.g. "Generator" for NVIDIA's
                                                    // persistent objects
    ValuePtr state;                                 // Object: its state (a Dict)

    // Look-ups that return nullptr when absent (or when this is not a Dict / Object).
    // For an Object, get() looks into its state.
    ValuePtr get(const std::string& key) const;
    bool is(Kind k) const { return kind == k; }
    // Checked accessors: throw FormatError naming `what` when the kind differs.
    int64_t as_int(const char* what) const;
    double as_number(const char* what) const;  // Int or Float
    const std::string& as_string(const char* what) const;
};

}  // namespace ls::io
