#include "edit_support.h"

#include "test_support.h"

namespace ls::test {

Model fixture_model(const std::string& name) {
    return load_model(fixture(name));
}

Model small_random_model(int resolution, int w_dim, uint64_t seed) {
    GeneratorConfig c;
    c.resolution = resolution;
    c.z_dim = c.w_dim = w_dim;
    c.mapping_layers = 2;
    for (int r = 4; r <= resolution; r *= 2) c.channels[r] = r <= 16 ? 16 : 8;
    return random_model(c, std::nullopt, seed);
}

}  // namespace ls::test
