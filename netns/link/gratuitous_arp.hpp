#pragma once
#include <string>

#include "netns/host/netns.hpp"

namespace crashlab {

// Broadcasts one gratuitous ARP request (sender = target = `ipv4`, from the
// interface's own MAC), as many hosts do when an interface comes up: neighbours
// that already cache `ipv4` replace its MAC at once (arp_process(): is_garp
// overrides the lock time), so a rebooted host with a new MAC is reachable
// before their cache entries expire.
void send_gratuitous_arp(const NetNs& ns, const std::string& ifname, const std::string& ipv4);

}  // namespace crashlab
