// The parts of photo_crop.h that need no OpenCV: options, framings and alignment JSON (they
// build on headless hosts too).
#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>

#include "imaging/photo_crop.h"
#include "io/value.h"

namespace ls {

CropMode parse_crop_mode(const std::string& text) {
    if (text == "auto") return CropMode::Auto;
    if (text == "face") return CropMode::Face;
    if (text == "centre" || text == "center") return CropMode::Centre;
    throw std::invalid_argument("unknown crop mode '" + text + "': use auto, face or centre");
}

PasteMode parse_paste_mode(const std::string& text) {
    if (text == "difference") return PasteMode::Difference;
    if (text == "replace") return PasteMode::Replace;
    throw std::invalid_argument("unknown paste mode '" + text + "': use difference or replace");
}

std::optional<AlignTemplate> framing_for(const std::string& alignment) {
    if (alignment == "ffhq") return AlignTemplate{};
    if (alignment == "portrait") return portrait_template();
    if (alignment == "centre") return std::nullopt;
    throw std::invalid_argument("unknown alignment '" + alignment +
                                "': use ffhq, portrait or centre");
}

std::string alignment_to_json(const Alignment& a) {
    nlohmann::json quad = nlohmann::json::array();
    for (const Point2& p : a.quad) quad.push_back({p.x, p.y});
    return nlohmann::json{{"method", a.method}, {"quad", quad}}.dump();
}

Alignment alignment_from_json(const std::string& text) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    const auto bad = [] {
        return io::FormatError(
            "an alignment must be {\"method\": ..., \"quad\": [[x, y] x 4]} with finite numbers");
    };
    if (j.is_discarded() || !j.is_object() || !j.contains("quad") || !j["quad"].is_array() ||
        j["quad"].size() != 4) {
        throw bad();
    }
    Alignment a;
    a.method = j.value("method", std::string("user"));
    for (size_t i = 0; i < 4; ++i) {
        const auto& p = j["quad"][i];
        if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) throw bad();
        a.quad[i] = {p[0].get<double>(), p[1].get<double>()};
        if (!std::isfinite(a.quad[i].x) || !std::isfinite(a.quad[i].y)) throw bad();
    }
    return a;
}

}  // namespace ls
