#!/usr/bin/env bash
# Installs every Debian 12 package that Latent Studio needs to build, test and run.
# Safe to run again: apt-get skips what is already there.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-format
  # engine
  libtorch-dev
  # images, command line, formats, logging, linear SVM
  libopencv-dev opencv-data nlohmann-json3-dev libcli11-dev libzip-dev liblinear-dev
  libspdlog-dev libfmt-dev
  # model downloads (HTTP, SHA-256)
  libcurl4-openssl-dev libssl-dev
  # GUI
  qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools qml6-module-qtquick
  qml6-module-qtquick-controls qml6-module-qtquick-layouts qml6-module-qtquick-window
  qml6-module-qtquick-templates qml6-module-qtquick-shapes qml6-module-qtqml-workerscript
  qml6-module-qtqml qml6-module-qtqml-models qml6-module-qttest qml6-module-qt-labs-settings qml6-module-qtcore
  libgl-dev
  # tests, benchmarks, fuzzing, GUI under a virtual display
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev xvfb xauth python3
  # packaging: the .deb (dpkg-shlibdeps) and checks of the desktop file and AppStream data
  dpkg-dev desktop-file-utils appstream
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
