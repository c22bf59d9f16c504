#!/usr/bin/env bash
# Installs the build into a temporary root (`cmake --install`, or the .deb that cpack makes,
# unpacked with dpkg-deb -x) and runs the installed latent-studio-cli with no model: it must
# find the installed default model relative to its own location and describe it.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR install|deb
set -euo pipefail
build=$1 src=$2 mode=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$mode" = deb ]; then
  cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/pkg" > "$tmp/cpack.log" ||
    { cat "$tmp/cpack.log"; exit 1; }
  deb=$(ls "$tmp"/pkg/*.deb)
  echo "built $(basename "$deb")"
  dpkg-deb -f "$deb" Package Version Architecture Depends
  dpkg-deb -x "$deb" "$tmp/root"
  prefix="$tmp/root/usr"
else
  cmake --install "$build" --prefix "$tmp/root" > /dev/null
  prefix="$tmp/root"
fi

cli="$prefix/bin/latent-studio-cli"
test -x "$cli" || { echo "no installed CLI at $cli"; exit 1; }
# Run from an unrelated folder, with no model named anywhere.
(cd "$tmp" && env -u LATENT_STUDIO_MODEL "$cli" info) > "$tmp/info.json"
(cd "$tmp" && env -u LATENT_STUDIO_MODEL "$cli" models list --json --dir "$tmp/user-models") \
  > "$tmp/list.json"

python3 - "$tmp/info.json" "$tmp/list.json" "$src/models/default/manifest.json" "$prefix" <<'PY'
import json, os, sys
info = json.load(open(sys.argv[1]))
listing = json.load(open(sys.argv[2]))
manifest = json.load(open(sys.argv[3]))
share = os.path.realpath(sys.argv[4]) + "/share/latent-studio/models"
assert info.get("name") == manifest["name"], f"info names {info.get('name')!r}, not {manifest['name']!r}"
assert os.path.realpath(info["path"]).startswith(share + "/default/"), f"the model came from {info['path']}, not {share}"
assert info["generator"]["resolution"] > 0
assert os.path.realpath(listing["catalog"]) == share + "/catalog.json", listing["catalog"]
assert any(m["name"] == "ffhq" for m in listing["available"])
print("installed CLI describes", info["name"], "from", info["path"])
PY

# Desktop integration files, when the editor was built and installed.
desktop="$prefix/share/applications/org.latentstudio.LatentStudio.desktop"
if [ -f "$desktop" ]; then
  test -x "$prefix/bin/latent-studio"
  test -f "$prefix/share/icons/hicolor/scalable/apps/org.latentstudio.LatentStudio.svg"
  if command -v desktop-file-validate > /dev/null; then desktop-file-validate "$desktop"; fi
  if command -v appstreamcli > /dev/null; then
    appstreamcli validate --no-net "$prefix/share/metainfo/org.latentstudio.LatentStudio.metainfo.xml"
  fi
fi
# The project's licence is installed, and the metainfo names the licence it states.
copyright="$prefix/share/doc/latent-studio/copyright"
cmp "$copyright" "$src/LICENSE" || { echo "no copyright file, or not LICENSE, at $copyright"; exit 1; }
spdx=$(sed -n 's/^SPDX-License-Identifier: //p' "$src/LICENSE")
grep -q "<project_license>$spdx</project_license>" \
  "$src/packaging/org.latentstudio.LatentStudio.metainfo.xml" ||
  { echo "the metainfo does not name LICENSE's licence ($spdx)"; exit 1; }
echo "package test ($mode): ok"
