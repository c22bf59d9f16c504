#include "model/config.h"

#include <algorithm>

namespace ls {

namespace {
int log2_of(int v) {
    int l = 0;
    while ((1 << (l + 1)) <= v) ++l;
    return l;
}
}  // namespace

int GeneratorConfig::log2_resolution() const {
    return log2_of(resolution);
}
int DiscriminatorConfig::log2_resolution() const {
    return log2_of(resolution);
}

std::map<int, int> rosinality_channels(int resolution, int channel_multiplier) {
    const std::map<int, int> table = {{4, 512},
                                      {8, 512},
                                      {16, 512},
                                      {32, 512},
                                      {64, 256 * channel_multiplier},
                                      {128, 128 * channel_multiplier},
                                      {256, 64 * channel_multiplier},
                                      {512, 32 * channel_multiplier},
                                      {1024, 16 * channel_multiplier}};
    std::map<int, int> out;
    for (int r = 4; r <= resolution; r *= 2) out[r] = table.count(r) ? table.at(r) : 16;
    return out;
}

std::map<int, int> ada_channels(int resolution, int channel_base, int channel_max) {
    std::map<int, int> out;
    for (int r = 4; r <= resolution; r *= 2) out[r] = std::min(channel_base / r, channel_max);
    return out;
}

}  // namespace ls
