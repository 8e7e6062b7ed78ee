#pragma once
#include "netns/host/netns.hpp"
#include "netns/link/nl_ptr.hpp"

namespace crashlab {

// A NETLINK_ROUTE socket opened inside `ns`: it stays bound to that namespace, so
// it can be used from any thread afterwards. Throws on failure.
nl::SockPtr route_socket_in(const NetNs& ns);

}  // namespace crashlab
