# Inversion (issue 6): a photo's code in the generator's latent space, masked or not. Uses the
# model's encoder (core/train/feature_net) and the trainers' Adam.
add_library(latent_invert STATIC
  invert/image_metrics.cpp
  invert/inverter.cpp
  invert/model_encoder.cpp
  invert/quality_targets.cpp
)
target_include_directories(latent_invert PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(latent_invert PUBLIC latent_train latent_imaging)
target_precompile_headers(latent_invert REUSE_FROM latent_engine)
latent_studio_warnings(latent_invert)
