#!/usr/bin/env bash
# Builds the Qt-free engine and CLI against a CUDA LibTorch (the one bundled with PyTorch) on a
# headless GPU host that has CMake, ninja and PyTorch but none of Debian's -dev packages.
# The few libraries the engine needs (CLI11, nlohmann-json, libzip, liblinear) come from a
# folder DEPS made on a Debian 12 machine with `scripts/build-gpu.sh --pack-deps DEPS`.
#
#   scripts/build-gpu.sh [--deps DIR] [--build DIR]     (default .gpu-deps and build-gpu)
#   scripts/build-gpu.sh --tests [--fixtures DIR]       also build the engine tests and run them
#                                                       on CUDA (GoogleTest from DIR/src, built
#                                                       here with LibTorch's C++ ABI)
set -euo pipefail
cd "$(dirname "$0")/.."
deps=.gpu-deps
build=build-gpu
tests=OFF
fixtures=""
if [[ "${1:-}" == "--pack-deps" ]]; then
  d=${2:-.gpu-deps}
  rm -rf "$d" && mkdir -p "$d/include" "$d/lib" "$d/share/cmake"
  cp -r /usr/include/CLI /usr/include/nlohmann /usr/include/zip.h /usr/include/linear.h "$d/include/"
  cp /usr/include/zipconf.h "$d/include/" 2>/dev/null || cp /usr/include/x86_64-linux-gnu/zipconf.h "$d/include/"
  cp -L /usr/lib/x86_64-linux-gnu/liblinear.so.4 "$d/lib/liblinear.so.4"
  cp "$d/lib/liblinear.so.4" "$d/lib/liblinear.so"
  cp -L /usr/lib/x86_64-linux-gnu/blas/libblas.so.3 "$d/lib/"
  cp -L /usr/lib/x86_64-linux-gnu/libzip.so.4 "$d/lib/libzip.so.4"
  cp "$d/lib/libzip.so.4" "$d/lib/libzip.so"
  cp -r /usr/share/cmake/CLI11 /usr/share/cmake/nlohmann_json "$d/share/cmake/"
  mkdir -p "$d/src" && cp -r /usr/src/googletest "$d/src/"   # Debian's googletest sources
  echo "packed into $d"
  exit 0
fi
while [[ $# -gt 0 ]]; do
  case "$1" in
    --deps) deps=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --tests) tests=ON; shift ;;
    --fixtures) fixtures=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
deps=$(cd "$deps" && pwd)
torch_dir=$(python3 -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')/Torch
prefix="$deps"
test_args=()
if [[ $tests == ON ]]; then
  # GoogleTest built here, with the C++ ABI of the LibTorch it is linked with.
  abi=$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
  gtest="$PWD/$build-gtest"
  cmake -S "$deps/src/googletest" -B "$build-gtest/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$gtest" -DCMAKE_CXX_FLAGS="-D_GLIBCXX_USE_CXX11_ABI=$abi" >/dev/null
  cmake --build "$build-gtest/build" >/dev/null && cmake --install "$build-gtest/build" >/dev/null
  prefix="$deps;$gtest"
  test_args=(-DLATENT_STUDIO_BUILD_TESTS=ON)
  [[ -n $fixtures ]] && test_args+=(-DLATENT_STUDIO_FIXTURES="$(cd "$fixtures" && pwd)")
else
  test_args=(-DLATENT_STUDIO_BUILD_TESTS=OFF)
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DTorch_DIR="$torch_dir" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_FLAGS="-I$deps/include" \
  -DCMAKE_EXE_LINKER_FLAGS="-L$deps/lib -Wl,-rpath,$deps/lib" \
  -DLATENT_STUDIO_BUILD_GUI=OFF -DLATENT_STUDIO_BUILD_CLI_IMAGES=OFF "${test_args[@]}"
cmake --build "$build" --target latent-studio-cli
if [[ $tests == ON ]]; then
  cmake --build "$build" --target engine_tests
  # The engine's tests on the GPU: fixture models and inputs on CUDA, compared with the
  # reference outputs at the fixtures' tolerance.
  LATENT_STUDIO_TEST_DEVICE=cuda "$build/tests/engine/engine_tests"
fi
