# The networks and the runtime (LibTorch).
add_library(latent_engine STATIC
  model/config.cpp
  model/ops.cpp
  model/layers.cpp
  model/generator.cpp
  model/discriminator.cpp
  model/checkpoint.cpp
  model/model.cpp
  model/tensor_npy.cpp
  runtime/runtime.cpp
)
target_include_directories(latent_engine PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(latent_engine PUBLIC latent_io ${TORCH_LIBRARIES})
target_include_directories(latent_engine SYSTEM PUBLIC ${TORCH_INCLUDE_DIRS})
# The torch headers are the slow part of every engine file: compile them once.
target_precompile_headers(latent_engine PRIVATE <ATen/ATen.h> <torch/nn/module.h>
                          <torch/nn/pimpl.h> <torch/nn/modules/container/modulelist.h>)
latent_studio_warnings(latent_engine)

# Image files (OpenCV): kept apart so that the engine builds on hosts without OpenCV.
if(LATENT_STUDIO_BUILD_CLI_IMAGES)
  add_library(latent_imaging STATIC imaging/image_file.cpp)
  target_include_directories(latent_imaging PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(latent_imaging PUBLIC latent_io PRIVATE opencv_core opencv_imgproc
                        opencv_imgcodecs)
  latent_studio_warnings(latent_imaging)
endif()
