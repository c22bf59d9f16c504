#!/usr/bin/env bash
# Why this check exists: the editor loads its QML modules at run time from Debian packages that
# nothing links against, so neither the build nor dpkg-shlibdeps notices a missing one. On a
# fresh machine the editor crashed because qml6-module-qt-labs-folderlistmodel (imported by the
# file dialog that QtQuick.Dialogs loads) was neither installed by scripts/install-deps.sh nor a
# dependency of the .deb.
#
# It asks Qt's qmlimportscanner what the .qml files under ui/ import (the scanner follows the
# modules' qmldir imports and their own .qml files), adds every other module shipped by a package
# found that way (QtQuick.Dialogs loads QtQuick.Dialogs.quickimpl from C++, which the scanner
# cannot see), maps each module to the Debian package that ships it (dpkg -S) and checks that
# package is in scripts/install-deps.sh's packages=(...) and in LATENT_STUDIO_DEB_DEPENDS
# (packaging/Packaging.cmake).
#
# Usage: qml_modules_test.sh SOURCE_DIR [QMLIMPORTSCANNER [QML_IMPORT_DIR]]
set -euo pipefail
src=$1
scanner=${2:-/usr/lib/qt6/libexec/qmlimportscanner}
qml_dir=${3:-$(qtpaths6 --query QT_INSTALL_QML 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/qt6/qml)}
own_module=LatentStudio # built by the project (ui/CMakeLists.txt), not a package
install_deps=$src/scripts/install-deps.sh
packaging=$src/packaging/Packaging.cmake

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The scanner's modules as "NAME<tab>PATH" lines (PATH empty when it is not installed).
scan() {
  "$scanner" "$@" -importPath "$qml_dir" > "$tmp/scan.json"
  python3 -c '
import json, sys
for e in json.load(open(sys.argv[1])):
    if e.get("type") == "module":
        print(e["name"] + "\t" + e.get("path", ""))' "$tmp/scan.json"
}

# Word lists: install-deps.sh's packages=( ... ) and the packages named in the .deb's Depends.
sed -n '/^packages=(/,/^)/p' "$install_deps" | sed 's/#.*//; s/packages=(//; s/)//' |
  tr -s ' \t' '\n' | sed '/^$/d' > "$tmp/install-deps"
sed -n '/set(LATENT_STUDIO_DEB_DEPENDS/,/set(CPACK_DEBIAN_PACKAGE_DEPENDS/p' "$packaging" |
  grep -o '"[^"]*"' | tr -d '"' | tr ',|' '\n' | sed 's/(.*)//; s/^ *//; s/ *$//' |
  sed '/^$/d; /\$/d' > "$tmp/deb-depends"
for f in install-deps deb-depends; do
  [ -s "$tmp/$f" ] || { echo "FAIL: found no package list in $f"; exit 1; }
done

scan -rootPath "$src/ui" | sort -u > "$tmp/modules"
touch "$tmp/expanded" "$tmp/owners"
while :; do
  # Map each installed module to its package; every other module a new package ships is
  # scanned too (with whatever it imports).
  : > "$tmp/more"
  while IFS=$'\t' read -r name path; do
    [ -n "$path" ] && [ "$name" != "$own_module" ] || continue
    awk -F'\t' -v n="$name" '$1 == n { f = 1 } END { exit !f }' "$tmp/owners" && continue
    pkg=$(dpkg -S "$path/qmldir" 2>/dev/null | sed -n '1s/:.*//p') || pkg=""
    printf '%s\t%s\n' "$name" "${pkg:-?}" >> "$tmp/owners"
    [ -n "$pkg" ] && ! grep -qx "$pkg" "$tmp/expanded" || continue
    echo "$pkg" >> "$tmp/expanded"
    dpkg -L "$pkg" | { grep '/qmldir$' || true; } | xargs -r awk '$1 == "module" { print $2 }' \
      >> "$tmp/more"
  done < "$tmp/modules"
  cut -f1 "$tmp/modules" | sort -u > "$tmp/known"
  sort -u "$tmp/more" | comm -23 - "$tmp/known" > "$tmp/new"
  [ -s "$tmp/new" ] || break
  { sed 's/^/import /' "$tmp/new"; echo 'QtObject {}'; } > "$tmp/siblings.qml"
  scan -qmlFiles "$tmp/siblings.qml" | sort -u - "$tmp/modules" > "$tmp/all"
  mv "$tmp/all" "$tmp/modules"
done

problems=0
cut -f2 "$tmp/modules" | sed '/^$/d; s|$|/qmldir|' | xargs -r cat > "$tmp/qmldirs"
problem() { echo "FAIL: $*"; problems=$((problems + 1)); }
# Modules not installed here: a problem unless some qmldir imports them only optionally
# (the Windows, macOS and iOS styles of QtQuick.Controls).
while IFS=$'\t' read -r name path; do
  [ -z "$path" ] && [ "$name" != "$own_module" ] || continue
  if grep -qE "^optional import ${name//./\\.}( |$)" "$tmp/qmldirs"; then
    echo "skip: $name (an optional import, not available here)"
    continue
  fi
  guess=qml6-module-$(echo "$name" | tr 'A-Z.' 'a-z-')
  hint=""
  grep -qx "$guess" "$tmp/install-deps" && hint=" - it is in install-deps.sh: run it"
  problem "QML module $name is not installed (needs Debian package $guess?)$hint"
done < "$tmp/modules"

# One line per package (a Qt-internal module such as QtQuick.Controls.impl comes with the
# package of its public one).
while IFS=$'\t' read -r name pkg; do
  if [ "$pkg" = "?" ]; then problem "QML module $name is in no Debian package (dpkg -S)"; fi
done < "$tmp/owners"
for pkg in $(cut -f2 "$tmp/owners" | grep -vx '?' | sort -u); do
  mods=$(awk -F'\t' -v p="$pkg" '$2 == p { print $1 }' "$tmp/owners" | sort | paste -sd' ')
  ok=1
  grep -qx "$pkg" "$tmp/install-deps" ||
    { problem "$pkg ($mods) is not installed by scripts/install-deps.sh"; ok=0; }
  grep -qx "$pkg" "$tmp/deb-depends" ||
    { problem "$pkg ($mods) is not in LATENT_STUDIO_DEB_DEPENDS (packaging/Packaging.cmake)"; ok=0; }
  if [ $ok = 1 ]; then echo "ok: $pkg ($mods)"; fi
done

count=$(grep -cv "^$own_module"$'\t' "$tmp/modules" || true)
npkg=$(cut -f2 "$tmp/owners" | grep -vx '?' | sort -u | wc -l)
if [ $problems -gt 0 ]; then
  echo "$problems problem(s) in $count QML modules from $npkg Debian packages"
  exit 1
fi
echo "all $count QML modules come from $npkg Debian packages that install-deps.sh installs and the .deb depends on"
