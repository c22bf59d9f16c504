#include "model/model_file.h"

#include <torch/nn/module.h>

#include <cstring>
#include <fstream>

#include "model/model.h"

namespace ls {

bool looks_like_safetensors(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char head[9] = {};
    if (!in.read(head, 9)) return false;
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(head[i]);
    return head[8] == '{' && n >= 2 && n < 100'000'000;
}

at::Tensor to_tensor(const io::RawTensor& raw) {
    std::vector<float> data = raw.to_float_vector();
    return at::from_blob(data.data(), raw.shape, at::kFloat).clone();
}

io::TensorBytes tensor_bytes(const std::string& name, const at::Tensor& t, io::DType dtype) {
    const at::ScalarType st = dtype == io::DType::Float16 ? at::kHalf : at::kFloat;
    const at::Tensor c = t.detach().to(at::kCPU, st).contiguous();
    io::TensorBytes b;
    b.name = name;
    b.dtype = dtype;
    b.shape.assign(c.sizes().begin(), c.sizes().end());
    b.bytes.resize(c.numel() * c.element_size());
    if (!b.bytes.empty()) std::memcpy(b.bytes.data(), c.data_ptr(), b.bytes.size());
    return b;
}

void append_module_tensors(const torch::nn::Module& module, const std::string& prefix,
                           io::DType dtype, std::vector<io::TensorBytes>* out) {
    for (const auto& p : module.named_parameters(true)) {
        out->push_back(tensor_bytes(prefix + p.key(), p.value(), dtype));
    }
    for (const auto& b : module.named_buffers(true)) {
        out->push_back(tensor_bytes(prefix + b.key(), b.value(), dtype));
    }
}

StateDict tensors_with_prefix(const io::SafetensorsFile& file, const std::string& prefix) {
    StateDict out;
    for (const auto& [name, t] : file.tensors) {
        if (name.rfind(prefix, 0) == 0) out[name.substr(prefix.size())] = to_tensor(t);
    }
    return out;
}

void load_module_tensors(torch::nn::Module& module, const io::SafetensorsFile& file,
                         const std::string& prefix, const std::string& what) {
    load_state(module, tensors_with_prefix(file, prefix), what);
}

}  // namespace ls
