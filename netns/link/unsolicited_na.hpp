#pragma once
#include <string>

#include "netns/host/netns.hpp"

namespace crashlab {

// IPv6's gratuitous ARP (RFC 4861 7.2.6): one unsolicited Neighbor Advertisement for
// `ipv6` to all-nodes (ff02::1) from the interface's own MAC, Override set, hop limit
// 255. Neighbours that already cache `ipv6` take the new link-layer address and mark
// the entry STALE (ndisc_recv_na(): an unsolicited override), so a rebooted host
// with a new MAC is reachable before their entries would have found it.
void send_unsolicited_na(const NetNs& ns, const std::string& ifname, const std::string& ipv6);

}  // namespace crashlab
