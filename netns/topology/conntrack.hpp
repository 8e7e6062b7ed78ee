#pragma once
#include <cstddef>

#include "netns/host/netns.hpp"

namespace crashlab {

// The connection-tracking table of one namespace, through ctnetlink (the
// `conntrack -F` / `conntrack -L` requests). Throws std::runtime_error naming the
// request and the kernel's error (e.g. no conntrack in a kernel without it).

// Forgets every tracked flow, as a firewall's restart does.
void flush_conntrack(const NetNs& ns);
// How many flows the table holds now (entries already expired are not listed).
size_t count_conntrack(const NetNs& ns);

}  // namespace crashlab
