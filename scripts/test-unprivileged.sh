#!/usr/bin/env bash
# The suite as a user without sudo runs it: an unprivileged user inside
# `unshare -Urn` (a user namespace mapped to root, plus a network namespace).
# Run as root (CI): it drops to $CRASHLAB_UNPRIV_USER (default nobody) and then
# checks that the namespace tests really executed (none skipped) and that the
# cases fell back to the sock_diag observer, since tracefs needs real root.
# Usage: scripts/test-unprivileged.sh [BUILD_DIR] [extra ctest args...]
set -euo pipefail
build=$(realpath "${1:-build}"); shift || true
user=${CRASHLAB_UNPRIV_USER:-nobody}
group=$(id -gn "$user")

scratch=$(mktemp -d /tmp/crashlab-unpriv.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
chown "$user:$group" "$scratch"
# ctest keeps its logs under BUILD/Testing; the unprivileged user must write there.
mkdir -p "$build/Testing"
chown -R "$user:$group" "$build/Testing"

echo "crashlab: running the suite as $user under unshare -Urn"
status=0
setpriv --reuid="$user" --regid="$group" --clear-groups \
  env CRASHLAB_REQUIRE_PRIVILEGES=1 CRASHLAB_RESULTS="$scratch/results" HOME="$scratch" \
  unshare -Urn ctest --test-dir "$build" -j "${CRASHLAB_TEST_JOBS:-4}" --output-on-failure -LE root \
  --output-junit "$scratch/junit.xml" "$@" || status=$?
cp "$scratch/junit.xml" "$build/junit-unprivileged.xml" 2>/dev/null || true
[ "$status" -eq 0 ] || "$(dirname "$0")/failure-summary.py" "$scratch/junit.xml" || true

# ctest spreads the <testsuite> attributes over several lines; the first of each is its.
attr() { grep -m 1 -o "$1=\"[0-9]*\"" "$scratch/junit.xml" 2>/dev/null | grep -o '[0-9]*' || true; }
tests=$(attr tests)
skipped=$(attr skipped)
cases=$(find "$scratch/results" -name '*.json' 2>/dev/null | wc -l)
fallback=$(grep -l '"name": "sock_diag"' "$scratch/results"/*.json 2>/dev/null | wc -l || true)
echo "crashlab: unprivileged run: ${tests:-0} tests, ${skipped:-?} skipped, $cases case results, $fallback with the sock_diag observer"
[ "$status" -eq 0 ] || { echo "crashlab: the unprivileged run failed" >&2; exit "$status"; }
[ "${tests:-0}" -gt 0 ] && [ "${skipped:-1}" -eq 0 ] || { echo "crashlab: tests were skipped or none ran" >&2; exit 1; }
[ "$cases" -gt 0 ] && [ "$fallback" -eq "$cases" ] || { echo "crashlab: cases did not run, or did not use sock_diag" >&2; exit 1; }
