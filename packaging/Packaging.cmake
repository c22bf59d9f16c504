# Installation layout and the Debian package: `cpack -G DEB` in the build folder.
#
#   bin/latent-studio, bin/latent-studio-cli
#   share/latent-studio/models/default/   the embedded default model (found by the programs
#                                          relative to their own location: ../share/...)
#   share/latent-studio/models/catalog.json
#   share/applications/, share/icons/hicolor/scalable/apps/, share/metainfo/
set(LATENT_STUDIO_APP_ID "org.latentstudio.LatentStudio")
set(LATENT_STUDIO_SHARE "share/latent-studio")

install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/default
        DESTINATION ${LATENT_STUDIO_SHARE}/models)
install(FILES ${PROJECT_SOURCE_DIR}/models/catalog.json DESTINATION ${LATENT_STUDIO_SHARE}/models)
if(LATENT_STUDIO_BUILD_GUI)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/${LATENT_STUDIO_APP_ID}.desktop
          DESTINATION share/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/${LATENT_STUDIO_APP_ID}.svg
          DESTINATION share/icons/hicolor/scalable/apps)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/${LATENT_STUDIO_APP_ID}.metainfo.xml
          DESTINATION share/metainfo)
endif()

# The project's licence, where Debian packages keep it (the metainfo names the same one).
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION share/doc/latent-studio RENAME copyright)

set(CPACK_PACKAGE_NAME "latent-studio")
set(CPACK_PACKAGE_VENDOR "Latent Studio")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "A photo editor that edits through a GAN's latent space")
set(CPACK_PACKAGE_DESCRIPTION
    "Latent Studio edits photos through the latent space of a StyleGAN2 generator: inversion, "
    "semantic sliders restricted to layer ranges, inpainting and export, on the CPU or a CUDA "
    "GPU. latent-studio-cli drives the same engine from the command line. Ships a small "
    "default portrait model and a catalogue of public models to download.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "latent-studio")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Latent Studio developers")
set(CPACK_DEBIAN_PACKAGE_SECTION "graphics")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Shared libraries (LibTorch, OpenCV, Qt, libcurl) are found by dpkg-shlibdeps; what is loaded
# at run time without linking is named here: the face cascades, and the QML modules the
# editor imports.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(LATENT_STUDIO_DEB_DEPENDS "opencv-data")
if(LATENT_STUDIO_BUILD_GUI)
  string(APPEND LATENT_STUDIO_DEB_DEPENDS
         ", qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-layouts"
         ", qml6-module-qtquick-window, qml6-module-qtquick-templates"
         ", qml6-module-qtquick-shapes, qml6-module-qtqml-workerscript"
         ", qml6-module-qtqml, qml6-module-qtqml-models"
         ", qml6-module-qt-labs-settings, qml6-module-qtcore")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${LATENT_STUDIO_DEB_DEPENDS}")
# gzip: xz of LibTorch-sized binaries takes minutes on a small machine for little gain.
set(CPACK_DEBIAN_COMPRESSION_TYPE "gzip")
set(CPACK_GENERATOR "DEB")
include(CPack)
