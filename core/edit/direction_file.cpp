#include "edit/direction_file.h"

#include <cctype>
#include <stdexcept>

#include "edit/direction_select.h"
#include "io/npy.h"
#include "model/tensor_npy.h"

namespace ls::edit {

DirectionSpec parse_direction_spec(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 == text.size() || text.size() - colon > 10) {
        return {text, std::nullopt};
    }
    for (size_t i = colon + 1; i < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return {text, std::nullopt};
    }
    return {text.substr(0, colon), std::stoll(text.substr(colon + 1))};
}

at::Tensor select_direction(const at::Tensor& array, std::optional<int64_t> index, int num_ws,
                            int w_dim, const std::string& what) {
    const io::NpyArray d =
        select_direction(tensor_to_npy(array.to(at::kCPU, at::kFloat)), index, num_ws, w_dim, what);
    return npy_to_tensor(d);
}

at::Tensor load_direction(const std::string& spec, const GeneratorConfig& config) {
    const DirectionSpec s = parse_direction_spec(spec);
    const at::Tensor array = npy_to_tensor(io::read_npy(s.path));
    return select_direction(array, s.index, config.num_ws(), config.w_dim, "'" + s.path + "'");
}

void save_direction(const std::string& path, const at::Tensor& direction) {
    at::Tensor d = direction.detach().to(at::kCPU, at::kFloat).contiguous();
    if (d.dim() == 1) d = d.unsqueeze(0);
    io::write_npy(path, tensor_to_npy(d));
}

}  // namespace ls::edit
