#!/usr/bin/env bash
# Fuzzes the torch-free readers (core/io) with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
#
# Builds only the fuzz targets, with clang, in build-fuzz/ (IO-only configuration), makes a
# seed corpus there from ../shared/fixtures and tests/fuzz/{seeds,regressions}, then runs each
# target for SECONDS. Crashing inputs are left in build-fuzz/fuzz-artifacts/<target>/; copy
# small ones to tests/fuzz/regressions/<target>/ once fixed, so that ctest replays them.
# Exits non-zero when a target crashes.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-fuzz"
fixtures="$root/../shared/fixtures"
targets=(torch_file pickle npy)

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is needed (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi

CC=clang CXX=clang++ cmake -S "$root" -B "$build" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLATENT_STUDIO_IO_ONLY=ON -DLATENT_STUDIO_FUZZ=ON -DLATENT_STUDIO_BUILD_GUI=OFF >/dev/null
# One compile job at a time: the build machine is small and shared.
cmake --build "$build" -j1 --target "${targets[@]/#/fuzz_}"

# Seed corpora: copies in build-fuzz, never in the repository.
corpus="$build/fuzz-corpus"
for target in "${targets[@]}"; do
  mkdir -p "$corpus/$target" "$build/fuzz-artifacts/$target"
  cp -f "$root/tests/fuzz/seeds/$target"/* "$corpus/$target/" 2>/dev/null || true
  find "$root/tests/fuzz/regressions/$target" -type f ! -name '.*' \
    -exec cp -f {} "$corpus/$target/" \; 2>/dev/null || true
done
if [ -d "$fixtures" ]; then
  find "$fixtures" -name '*.pt' -exec cp -f {} "$corpus/torch_file/" \;
  find "$fixtures" -name '*.pkl' -exec cp -f {} "$corpus/torch_file/" \;
  find "$fixtures" -name '*.pkl' -exec cp -f {} "$corpus/pickle/" \;
  # The pickles inside the zip fixtures: the pickle target's best seeds.
  for pt in "$fixtures"/*/*.pt; do
    if unzip -l "$pt" >/dev/null 2>&1; then
      unzip -p "$pt" '*/data.pkl' >"$corpus/pickle/$(basename "$pt" .pt)_data.pkl" || true
    fi
  done
  # Small .npy files only: libFuzzer keeps just the first -max_len bytes of larger ones.
  find "$fixtures" -name '*.npy' -size -64k -exec cp -f {} "$corpus/npy/" \;
else
  echo "fuzz.sh: no fixtures at $fixtures; fuzzing from the small seeds only" >&2
fi

status=0
for target in "${targets[@]}"; do
  echo "== fuzz_$target for ${seconds}s"
  # New inputs go to a scratch folder, so the seed corpus stays as made above.
  new="$build/fuzz-new/$target"
  mkdir -p "$new"
  if ! "$build/tests/fuzz/fuzz_$target" "$new" "$corpus/$target" \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=30 \
      -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$target/"; then
    echo "fuzz.sh: fuzz_$target found a crash; see $build/fuzz-artifacts/$target/" >&2
    status=1
  fi
done
exit "$status"
