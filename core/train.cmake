# Training (issue 3): the StyleGAN2 trainer, the classifier and encoder, their data sources.
# Needs the portrait renderer (plain C++) and, for image folders, OpenCV.
set(latent_train_sources
  train/adam.cpp
  train/portrait_source.cpp
  train/gan_trainer.cpp
  train/feature_net.cpp
  train/net_trainers.cpp
)
if(LATENT_STUDIO_BUILD_CLI_IMAGES)
  list(APPEND latent_train_sources train/folder_source.cpp)
else()
  list(APPEND latent_train_sources train/no_folder_source.cpp)
endif()
add_library(latent_train STATIC ${latent_train_sources})
target_include_directories(latent_train PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(latent_train PUBLIC latent_engine latent_portrait
                      PRIVATE nlohmann_json::nlohmann_json)
if(LATENT_STUDIO_BUILD_CLI_IMAGES)
  target_link_libraries(latent_train PRIVATE opencv_core opencv_imgproc opencv_imgcodecs)
endif()
target_precompile_headers(latent_train REUSE_FROM latent_engine)
latent_studio_warnings(latent_train)
