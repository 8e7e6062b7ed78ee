#!/usr/bin/env bash
# `cmake --install` lays out a tree that works on its own, wherever it is moved:
# the installed crashlab finds its endpoint and its cases relative to itself, with
# nothing from the build tree. Usage: scripts/check-install.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
scratch=$(mktemp -d /tmp/crashlab-install.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

fail() { echo "check-install: $*" >&2; exit 1; }

install_tree() {
  if [ -w "$build" ]; then
    cmake --install "$build" --prefix "$scratch/prefix"
  else
    # A build folder we may not write to (the unprivileged run of a root-built tree):
    # the same install script, with its manifest written into the scratch folder.
    sed "s|\"$build/\${CMAKE_INSTALL_MANIFEST}\"|\"$scratch/\${CMAKE_INSTALL_MANIFEST}\"|" \
      "$build/cmake_install.cmake" > "$scratch/cmake_install.cmake"
    cmake -DCMAKE_INSTALL_PREFIX="$scratch/prefix" -P "$scratch/cmake_install.cmake"
  fi
}
install_tree > "$scratch/install.log" 2>&1 || { cat "$scratch/install.log"; fail "cmake --install failed"; }
mv "$scratch/prefix" "$scratch/moved"  # nothing may point back at the install prefix either
root="$scratch/moved"
for f in bin/crashlab libexec/crashlab/crashlab-endpoint share/crashlab/cases/host-crash/send.json \
         share/doc/crashlab/README.md share/doc/crashlab/cli.md; do
  [ -e "$root/$f" ] || fail "missing $f in the installed tree"
done

cd /  # no ./cases here: the installed catalogue must be the default
listed=$("$root/bin/crashlab" list) || fail "crashlab list exited $?"
echo "$listed" | grep -q "host-crash/send" || fail "crashlab list does not show the installed cases: $listed"

# One short case through the installed program: its endpoint must be the installed one.
if ! out=$(CRASHLAB_ENDPOINT= "$root/bin/crashlab" run "$root/share/crashlab/cases/process-crash/idle.json" \
      --out "$scratch/results" --no-progress 2>&1); then
  echo "$out"; fail "the installed crashlab could not run process-crash/idle"
fi
echo "$out" | tail -n 2
echo "check-install: the installed tree, moved, lists $(echo "$listed" | grep -c "^[a-z]") cases and runs one"
