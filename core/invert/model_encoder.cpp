#include "invert/model_encoder.h"

#include "model/checkpoint.h"

namespace ls::invert {

train::FeatureNet load_model_encoder(const Model& model) {
    if (!model.manifest || !model.manifest->encoder) return train::FeatureNet(nullptr);
    const auto& c = model.generator->config();
    train::FeatureNetFile file = train::load_feature_net(
        *model.manifest->encoder, train::kEncoderFormat, model.generator->latent_avg.device());
    if (file.net->config().outputs != c.num_ws() * c.w_dim) {
        throw ModelError("the encoder '" + *model.manifest->encoder + "' predicts " +
                         std::to_string(file.net->config().outputs) +
                         " numbers; this generator's W+ has " +
                         std::to_string(c.num_ws() * c.w_dim));
    }
    file.net->eval();
    return file.net;
}

}  // namespace ls::invert
