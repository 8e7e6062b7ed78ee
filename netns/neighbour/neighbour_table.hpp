#pragma once
#include <optional>
#include <string>

#include "netns/neighbour/nud_state.hpp"
#include "netns/host/netns.hpp"
#include "netns/link/nl_ptr.hpp"

namespace crashlab {

struct NeighbourEntry {
  NudState state = NudState::None;
  std::string lladdr;  // "" while unresolved
};

// One namespace's neighbour table (ARP for IPv4, NDP for IPv6) through a
// NETLINK_ROUTE socket opened inside it, as `ip neigh` does it. Errors throw
// std::runtime_error naming the operation, the address and libnl's message.
class NeighbourTable {
 public:
  explicit NeighbourTable(const NetNs& ns);

  // The entry for `address` on `ifname`, as the kernel holds it now; nullopt: none.
  std::optional<NeighbourEntry> find(const std::string& ifname, const std::string& address);
  // `ip neigh replace ADDRESS lladdr MAC dev IFNAME nud STATE`: neigh_update() with
  // the administrator's override, the same call an ARP reply (REACHABLE, confirmed
  // now, its reachable_time timer armed) or an aged entry (STALE, no timer) ends in.
  void replace(const std::string& ifname, const std::string& address, const std::string& mac, NudState state);
  // `ip neigh del`: the entry is gone; the next packet to the address resolves anew.
  void remove(const std::string& ifname, const std::string& address);

 private:
  int ifindex(const std::string& ifname);
  nl::NeighPtr key(const std::string& ifname, const std::string& address);

  nl::SockPtr sock_;
};

}  // namespace crashlab
