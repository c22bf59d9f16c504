#!/usr/bin/env bash
# Configures and builds Latent Studio in ./build (Release, Ninja). Extra arguments go to
# CMake's configure step, e.g. scripts/build.sh -DLATENT_STUDIO_BUILD_GUI=OFF
# LATENT_STUDIO_WERROR=1 in the environment makes warnings errors (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${LATENT_STUDIO_JOBS:-$(nproc)}"
werror=OFF
if [ "${LATENT_STUDIO_WERROR:-0}" = 1 ]; then werror=ON; fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLATENT_STUDIO_WERROR="$werror" "$@"
cmake --build build -j "$jobs"
