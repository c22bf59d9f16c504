#!/usr/bin/env bash
# Configures and builds Latent Studio in ./build (Release, Ninja). Extra arguments go to
# CMake's configure step, e.g. scripts/build.sh -DLATENT_STUDIO_BUILD_GUI=OFF
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${LATENT_STUDIO_JOBS:-$(nproc)}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$jobs"
