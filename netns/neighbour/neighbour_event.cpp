#include "netns/neighbour/neighbour_event.hpp"

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstdio>

namespace crashlab {

std::string mac_text(const uint8_t* mac, size_t n) {
  std::string out;
  char b[4];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%s%02x", i ? ":" : "", mac[i]);
    out += b;
  }
  return out;
}

std::optional<NeighbourEvent> parse_neighbour_message(const nlmsghdr* h, size_t len, int64_t t_ns) {
  if (len < sizeof(nlmsghdr) || h->nlmsg_len > len || h->nlmsg_len < NLMSG_LENGTH(sizeof(ndmsg))) return std::nullopt;
  if (h->nlmsg_type != RTM_NEWNEIGH && h->nlmsg_type != RTM_DELNEIGH) return std::nullopt;
  const auto* nd = static_cast<const ndmsg*>(NLMSG_DATA(h));
  if (nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6) return std::nullopt;
  NeighbourEvent e;
  e.kind = h->nlmsg_type == RTM_DELNEIGH ? NeighbourEvent::Kind::Deleted : NeighbourEvent::Kind::Changed;
  e.t_ns = t_ns;
  e.ifindex = nd->ndm_ifindex;
  e.state = nud_state_from_kernel(nd->ndm_state);
  int attr_len = int(h->nlmsg_len) - int(NLMSG_LENGTH(sizeof(ndmsg)));
  for (auto* a = reinterpret_cast<const rtattr*>(reinterpret_cast<const char*>(nd) + NLMSG_ALIGN(sizeof(ndmsg)));
       RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len)) {
    const auto* data = static_cast<const uint8_t*>(RTA_DATA(a));
    const size_t n = RTA_PAYLOAD(a);
    if (a->rta_type == NDA_DST) {
      const size_t want = nd->ndm_family == AF_INET ? 4 : 16;
      if (n != want) return std::nullopt;
      char text[INET6_ADDRSTRLEN] = {};
      ::inet_ntop(nd->ndm_family, data, text, sizeof text);
      e.address = text;
    } else if (a->rta_type == NDA_LLADDR) {
      e.lladdr = mac_text(data, n);
    }
  }
  if (e.address.empty()) return std::nullopt;
  return e;
}

}  // namespace crashlab
