#!/usr/bin/env bash
# Prints the package names of scripts/packages.txt for a distribution, space-separated.
# Usage: scripts/packages.sh [debian|ubuntu]
set -euo pipefail
distro=${1:-debian}
case "$distro" in debian|ubuntu) ;; *) echo "usage: $0 [debian|ubuntu]" >&2; exit 2 ;; esac
list="$(dirname "$0")/packages.txt"
sed 's/#.*//' "$list" | awk -v distro="$distro" 'NF {
  name = $1
  for (i = 2; i <= NF; i++) if (distro == "ubuntu" && $i ~ /^ubuntu=/) name = substr($i, 8)
  printf "%s%s", sep, name; sep = " "
} END { print "" }'
