// The encoder of a model folder (its manifest's "encoder" file), for the inversion's start
// code and its in-domain regulariser.
#pragma once

#include "model/model.h"
#include "train/feature_net.h"

namespace ls::invert {

// The model's encoder on the generator's device, or a null FeatureNet when the model has none.
// Throws ModelError when the file does not fit the generator (another W+ shape).
train::FeatureNet load_model_encoder(const Model& model);

// The pointers the Inverter takes: null for a model without an encoder or a discriminator
// (an empty module holder throws when asked for its pointer).
inline train::FeatureNetImpl* encoder_ptr(train::FeatureNet& e) {
    return e.is_empty() ? nullptr : e.get();
}
inline nn::DiscriminatorImpl* discriminator_ptr(Model& m) {
    return m.discriminator.is_empty() ? nullptr : m.discriminator.get();
}

}  // namespace ls::invert
