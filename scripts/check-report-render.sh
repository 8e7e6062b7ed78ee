#!/bin/sh
# Renders `crashlab report` in headless Chromium at 800 and 1400 px wide and checks
# each screenshot is a real picture: a PNG of the window's size, several times larger
# than the screenshot of a near-empty page taken the same way (same browser, fonts).
#
# usage: scripts/check-report-render.sh [RESULT...]   (default: tests/data/report-sample.json)
# env:   CRASHLAB  the binary (default build/crashlab)
#        OUT_DIR   where report.html and report.png go (default build/report-render)
# Installs chromium with apt-get when it is missing (needs root).
set -eu
cd "$(dirname "$0")/.."
crashlab=${CRASHLAB:-build/crashlab}
out=${OUT_DIR:-build/report-render}
[ $# -gt 0 ] || set -- tests/data/report-sample.json

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

mkdir -p "$out"
"$crashlab" report "$@" --out "$out/report.html"
grep -q '<svg class="timeline"' "$out/report.html" || { echo "no timeline in $out/report.html" >&2; exit 1; }

shoot() {  # PAGE PNG WIDTH
  rm -f "$2"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --screenshot="$2" --window-size="$3,1800" "file://$(realpath "$1")" >/dev/null 2>&1 || true
  [ -s "$2" ] || { echo "chromium wrote no screenshot for $1" >&2; exit 1; }
}
printf '<!DOCTYPE html><html><body><h1>crashlab report</h1><p>1 result(s).</p></body></html>\n' >"$out/blank.html"
for width in 800 1400; do
shoot "$out/report.html" "$out/report-$width.png" "$width"
shoot "$out/blank.html" "$out/blank-$width.png" "$width"

python3 - "$out/report-$width.png" "$out/blank-$width.png" "$width" <<'EOF'
import os, struct, sys
png, blank, width = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(png, "rb") as f:
    head = f.read(24)
if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
    sys.exit(f"{png}: not a PNG")
w, h = struct.unpack(">II", head[16:24])
if (w, h) != (width, 1800):
    sys.exit(f"{png}: {w}x{h}, expected {width}x1800")
size, empty = os.path.getsize(png), os.path.getsize(blank)
if size < 4 * empty:
    sys.exit(f"{png}: {size} bytes, not much more than an empty page ({empty} bytes)")
print(f"ok: {png} {w}x{h}, {size} bytes (empty page: {empty} bytes)")
EOF
done
