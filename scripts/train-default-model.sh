#!/usr/bin/env bash
# Trains every file of the embedded default model (models/default) from nothing: the GAN on
# the procedural portraits, the attribute classifier, the encoder, the InterFaceGAN
# directions. Run it where the CLI is built (scripts/build.sh, or scripts/build-gpu.sh on a
# GPU host); the commands each shipped file was made with are in models/default/manifest.json.
#
#   scripts/train-default-model.sh OUT_DIR [GAN_KIMG] [CLI]
#
# GAN_KIMG defaults to 5000 thousand images (about 5 hours at the 290 images/s measured on one
# H100; the shipped model saw 274). On a 2-core CPU use a small value and expect a blurry model.
set -euo pipefail
out=${1:?usage: scripts/train-default-model.sh OUT_DIR [GAN_KIMG] [CLI]}
kimg=${2:-5000}
cli=${3:-build/app/cli/latent-studio-cli}
mkdir -p "$out/gan" "$out/directions"
"$cli" train gan --resolution 64 --channels 256,256,256,128,64 --mapping-layers 4 --batch 64 \
  --kimg "$kimg" --snapshot-every 1000 --out "$out/gan" \
  $( [[ -f "$out/gan/checkpoint.safetensors" ]] && echo --resume "$out/gan/checkpoint.safetensors" )
cp "$out/gan/model.safetensors" "$out/generator.safetensors"
"$cli" train classifier --out "$out/classifier.safetensors" --iterations 20000 --batch 64
"$cli" train encoder --model "$out/generator.safetensors" --out "$out/encoder.safetensors" \
  --iterations 50000 --batch 32
"$cli" train boundaries --model "$out/generator.safetensors" \
  --classifier "$out/classifier.safetensors" --count 10000 --out-dir "$out/directions"
echo "trained into $out; write its manifest.json as models/default/manifest.json is written"
