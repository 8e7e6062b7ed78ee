#!/usr/bin/env bash
# Installs the Debian 12 packages of scripts/packages.txt, only those missing; silent when
# everything is present. Idempotent.
set -euo pipefail

read -ra packages <<< "$("$(dirname "$0")"/packages.sh debian)"  # the list: scripts/packages.txt

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "crashlab: missing Debian packages: ${missing[*]}" >&2
  echo "crashlab: install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "crashlab: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
