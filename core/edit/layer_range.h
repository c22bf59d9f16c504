// A range of W+ layers an edit or a factorisation applies to, and the HiGAN presets.
#pragma once

#include <string>
#include <vector>

#include "model/config.h"

namespace ls::edit {

// W+ layers first..last, both included.
struct LayerRange {
    int first = 0;
    int last = 0;

    bool contains(int layer) const { return layer >= first && layer <= last; }
    int size() const { return last - first + 1; }
    bool operator==(const LayerRange& o) const { return first == o.first && last == o.last; }
    bool operator!=(const LayerRange& o) const { return !(*this == o); }
    std::string to_string() const;  // "A-B"
};

// The W+ layers of a generator whose first block runs at 4 px (4 * 2^block).
LayerRange all_layers(const GeneratorConfig& config);

// HiGAN / StyleGAN's split by the resolution of the first block a layer feeds: coarse
// 4-8 px (layout, pose), middle 16-32 px (attributes), fine 64 px and up (colour, light).
// Throws std::invalid_argument when the model has no layer of that kind (fine below 64 px).
LayerRange preset_range(const GeneratorConfig& config, const std::string& name);
const std::vector<std::string>& preset_names();  // all, coarse, middle, fine

// std::invalid_argument unless first..last are W+ layers of the model, in order.
void check_layer_range(const GeneratorConfig& config, const LayerRange& range);

// "coarse", "all", "4-7" or "5", checked against the model; std::invalid_argument otherwise.
LayerRange parse_layer_range(const std::string& text, const GeneratorConfig& config);

}  // namespace ls::edit
