#!/usr/bin/env bash
# Installs the Debian 12 packages crashlab needs, only those missing; silent when
# everything is present. Idempotent.
set -euo pipefail

packages=(
  g++ cmake make pkg-config        # toolchain
  libnl-3-dev libnl-route-3-dev    # links and addresses through netlink
  nlohmann-json3-dev               # endpoint protocol, case files, results
  libboost-dev libboost-filesystem-dev  # Boost.Process (header-only; 1.74 on Debian 12) and filesystem
  libgtest-dev                     # tests
  iproute2                         # only for `make bench`: the `ip` side of the comparison
  nftables                         # partitions: the switch namespace drops a host's traffic
  tcpdump                          # crashlab run --pcap
  util-linux                       # unshare, setpriv for the unprivileged run
  python3-yaml                     # the test that parses the GitHub workflow
)

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
