// 8-bit images in memory: the hand-over between the engine and image files or the GUI.
#pragma once

#include <cstdint>
#include <vector>

namespace ls {

struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;  // row-major, 3 bytes per pixel, RGB
};

// An 8-bit single-channel image: masks (255 = the region the user painted, to be filled).
struct GreyImage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;  // row-major, 1 byte per pixel
};

}  // namespace ls
