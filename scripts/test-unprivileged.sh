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
# Each result's observer: a run that ended in an error before observing (a setup wait
# that timed out, run again by the case test) names none; none may name tracepoints.
read -r cases fallback unobserved < <(python3 - "$scratch/results" <<'PY'
import json, pathlib, sys
d = pathlib.Path(sys.argv[1])
results = [json.loads(p.read_text()) for p in d.glob("*.json")] if d.is_dir() else []
names = [r.get("environment", {}).get("observer", {}).get("name", "") for r in results]
ended_early = sum(1 for r, n in zip(results, names) if n == "" and r.get("verdict") in ("error", "distorted"))
print(len(names), names.count("sock_diag"), ended_early)
PY
)
echo "crashlab: unprivileged run: ${tests:-0} tests, ${skipped:-?} skipped, $cases case results, $fallback with the sock_diag observer, $unobserved ended before observing"
[ "$status" -eq 0 ] || { echo "crashlab: the unprivileged run failed" >&2; exit "$status"; }
[ "${tests:-0}" -gt 0 ] && [ "${skipped:-1}" -eq 0 ] || { echo "crashlab: tests were skipped or none ran" >&2; exit 1; }
[ "$fallback" -gt 0 ] && [ $((fallback + unobserved)) -eq "$cases" ] || { echo "crashlab: cases did not run, or did not use sock_diag" >&2; exit 1; }
