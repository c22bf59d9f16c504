# The networks and the runtime (LibTorch).
add_library(latent_engine STATIC
  model/config.cpp
  model/ops.cpp
  model/layers.cpp
  model/generator.cpp
  model/discriminator.cpp
  model/checkpoint.cpp
  model/model_file.cpp
  model/manifest.cpp
  model/model.cpp
  model/default_model.cpp
  model/tensor_npy.cpp
  runtime/runtime.cpp
  edit/layer_range.cpp
  edit/sefa.cpp
  edit/direction_file.cpp
  edit/scores_csv.cpp
  edit/boundary.cpp
  edit/conditional.cpp
  edit/ganspace.cpp
  edit/pair_direction.cpp
  edit/edit_stack.cpp
  edit/incremental_renderer.cpp
  edit/grid_render.cpp
)
target_include_directories(latent_engine PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
# The source tree's models/ folder, for running from the build folder. A generated header, not
# a -D flag: a definition on the command line would differ from the targets that reuse this
# target's precompiled header, and GCC would then ignore it.
configure_file(model/build_paths.h.in ${CMAKE_CURRENT_BINARY_DIR}/generated/model/build_paths.h)
target_include_directories(latent_engine PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
# liblinear: the linear SVM of InterFaceGAN's boundaries (edit/boundary.cpp).
target_link_libraries(latent_engine PUBLIC latent_io latent_directions ${TORCH_LIBRARIES} PRIVATE linear nlohmann_json::nlohmann_json)
target_include_directories(latent_engine SYSTEM PUBLIC ${TORCH_INCLUDE_DIRS})
# The torch headers are the slow part of every engine file: compile them once.
target_precompile_headers(latent_engine PRIVATE <ATen/ATen.h> <torch/nn/module.h>
                          <torch/nn/pimpl.h> <torch/nn/modules/container/modulelist.h>)
latent_studio_warnings(latent_engine)

# Image files (OpenCV): kept apart so that the engine builds on hosts without OpenCV, where
# the same functions refuse image outputs with a message (.npy outputs work everywhere).
# Photos: the header sniffer and the alignment geometry are plain C++ and build everywhere;
# decoding, detection and warping need OpenCV (objdetect for the cascades and YuNet, photo for
# Poisson blending).
set(LATENT_IMAGING_PLAIN imaging/image_path.cpp imaging/photo_header.cpp imaging/face_align.cpp
    imaging/photo_crop_common.cpp)
if(LATENT_STUDIO_BUILD_CLI_IMAGES)
  add_library(latent_imaging STATIC ${LATENT_IMAGING_PLAIN} imaging/image_file.cpp
              imaging/grid_image.cpp imaging/photo.cpp imaging/face_detect.cpp
              imaging/face_warp.cpp imaging/classic_inpaint.cpp imaging/photo_crop.cpp)
  target_link_libraries(latent_imaging PUBLIC latent_io PRIVATE latent_portrait opencv_core
                        opencv_imgproc opencv_imgcodecs opencv_objdetect opencv_photo)
else()
  add_library(latent_imaging STATIC ${LATENT_IMAGING_PLAIN} imaging/no_opencv.cpp)
  target_link_libraries(latent_imaging PUBLIC latent_io PRIVATE latent_portrait)
endif()
target_include_directories(latent_imaging PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
find_package(nlohmann_json REQUIRED)
target_link_libraries(latent_imaging PRIVATE nlohmann_json::nlohmann_json)
latent_studio_warnings(latent_imaging)

# How a direction is read out of an array, and the direction library of a model
# (library.json and .npy files, the manifest's directions):
# no LibTorch, so that the editor and the command line share it and it builds fast.
find_package(nlohmann_json REQUIRED)
add_library(latent_directions STATIC edit/direction_select.cpp edit/direction_library.cpp)
target_include_directories(latent_directions PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(latent_directions PUBLIC latent_io PRIVATE nlohmann_json::nlohmann_json)
latent_studio_warnings(latent_directions)
