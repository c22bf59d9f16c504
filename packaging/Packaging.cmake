# CPack: `cpack -G DEB` in the build folder makes a .deb (the full package comes with the
# packaging issue; this sets the basics).
set(CPACK_PACKAGE_NAME "latent-studio")
set(CPACK_PACKAGE_VENDOR "Latent Studio")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "A photo editor that edits through a GAN's latent space")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Latent Studio developers")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_GENERATOR "DEB")
include(CPack)
