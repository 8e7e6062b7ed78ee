#include "netns/neighbour/neighbour_table.hpp"

#include <stdexcept>

#include "netns/link/route_socket.hpp"

namespace crashlab {

namespace {
void check(int rc, const std::string& what) {
  if (rc < 0) throw std::runtime_error(what + ": " + nl_geterror(rc));
}

nl::NlAddrPtr parse_addr(const std::string& text, int family, const std::string& what) {
  nl_addr* raw = nullptr;
  check(nl_addr_parse(text.c_str(), family, &raw), what + ": parse '" + text + "'");
  return nl::NlAddrPtr(raw);
}
}  // namespace

NeighbourTable::NeighbourTable(const NetNs& ns) : sock_(route_socket_in(ns)) {}

int NeighbourTable::ifindex(const std::string& ifname) {
  rtnl_link* raw = nullptr;
  check(rtnl_link_get_kernel(sock_.get(), 0, ifname.c_str(), &raw), "get link " + ifname);
  nl::LinkPtr link(raw);
  return rtnl_link_get_ifindex(link.get());
}

nl::NeighPtr NeighbourTable::key(const std::string& ifname, const std::string& address) {
  nl::NeighPtr n(rtnl_neigh_alloc());
  if (!n) throw std::bad_alloc();
  rtnl_neigh_set_ifindex(n.get(), ifindex(ifname));
  auto dst = parse_addr(address, AF_UNSPEC, "neighbour " + address);
  check(rtnl_neigh_set_dst(n.get(), dst.get()), "neighbour " + address);
  return n;
}

std::optional<NeighbourEntry> NeighbourTable::find(const std::string& ifname, const std::string& address) {
  nl_cache* raw = nullptr;
  check(rtnl_neigh_alloc_cache(sock_.get(), &raw), "list neighbours");
  nl::CachePtr cache(raw);
  auto dst = parse_addr(address, AF_UNSPEC, "neighbour " + address);
  rtnl_neigh* found = rtnl_neigh_get(cache.get(), ifindex(ifname), dst.get());
  if (!found) return std::nullopt;
  nl::NeighPtr owned(found);
  NeighbourEntry e;
  e.state = nud_state_from_kernel(uint16_t(rtnl_neigh_get_state(found)));
  if (nl_addr* ll = rtnl_neigh_get_lladdr(found); ll && nl_addr_get_len(ll) > 0) {
    char buf[64];
    e.lladdr = nl_addr2str(ll, buf, sizeof buf);
  }
  return e;
}

void NeighbourTable::replace(const std::string& ifname, const std::string& address, const std::string& mac,
                             NudState state) {
  auto n = key(ifname, address);
  auto ll = parse_addr(mac, AF_LLC, "neighbour " + address + " lladdr");
  rtnl_neigh_set_lladdr(n.get(), ll.get());
  rtnl_neigh_set_state(n.get(), nud_state_to_kernel(state));
  check(rtnl_neigh_add(sock_.get(), n.get(), NLM_F_CREATE | NLM_F_REPLACE),
        std::string("set neighbour ") + address + " " + nud_state_name(state) + " on " + ifname);
}

void NeighbourTable::remove(const std::string& ifname, const std::string& address) {
  auto n = key(ifname, address);
  int rc = rtnl_neigh_delete(sock_.get(), n.get(), 0);
  if (rc == -NLE_OBJ_NOTFOUND) return;  // nothing to delete is what was asked
  check(rc, "delete neighbour " + address + " on " + ifname);
}

}  // namespace crashlab
