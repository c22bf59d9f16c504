#!/usr/bin/env bash
# Sets everything up and runs the tests: installs the Debian packages, builds, runs CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
