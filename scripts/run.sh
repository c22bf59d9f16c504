#!/usr/bin/env bash
# Sets everything up and starts the editor on the embedded default model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/app/gui/latent-studio "$@"
