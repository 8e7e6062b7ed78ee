#pragma once
#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <string>

#include "netns/neighbour/nud_state.hpp"

namespace crashlab {

// One change of a neighbour entry as the kernel announced it on RTNLGRP_NEIGH.
// The kernel announces what neigh_update() changes (a reply, an admin update, the
// creation of an entry) and the timer's moves to REACHABLE, STALE, PROBE and
// FAILED; it does not announce REACHABLE -> DELAY or STALE -> DELAY.
struct NeighbourEvent {
  enum class Kind { Changed, Deleted };  // RTM_NEWNEIGH, RTM_DELNEIGH
  Kind kind = Kind::Changed;
  int64_t t_ns = 0;     // CLOCK_MONOTONIC when the monitor received it
  int ifindex = 0;
  std::string address;  // the neighbour's IP, "10.77.0.2" or "fd00:77::2"
  std::string lladdr;   // "02:cc:00:02:00:00", or "" when the message has none
  NudState state = NudState::None;
};

// Decodes one RTM_NEWNEIGH/RTM_DELNEIGH message of `len` bytes (IPv4 or IPv6
// entries); nullopt for any other message, family, or a truncated one. Pure.
std::optional<NeighbourEvent> parse_neighbour_message(const nlmsghdr* h, size_t len, int64_t t_ns);

// "02:cc:00:02:00:00"
std::string mac_text(const uint8_t* mac, size_t n);

}  // namespace crashlab
