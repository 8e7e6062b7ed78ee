#include "netns/link/rtnl.hpp"

#include <net/if.h>
#include <netlink/cache.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include <stdexcept>

#include "netns/link/route_socket.hpp"

namespace crashlab {

namespace {
void check(int rc, const std::string& what) {
  if (rc < 0) throw std::runtime_error(what + ": " + nl_geterror(rc));
}

nl::LinkPtr alloc_link() {
  nl::LinkPtr l(rtnl_link_alloc());
  if (!l) throw std::bad_alloc();
  return l;
}
}  // namespace

Rtnl::Rtnl(const NetNs& ns) : sock_(route_socket_in(ns)) {}

void Rtnl::add_veth(const std::string& name, const NetNs& peer_ns, const std::string& peer_name) {
  nl::LinkPtr veth(rtnl_link_veth_alloc());
  if (!veth) throw std::bad_alloc();
  rtnl_link_set_name(veth.get(), name.c_str());
  nl::LinkPtr peer(rtnl_link_veth_get_peer(veth.get()));
  rtnl_link_set_name(peer.get(), peer_name.c_str());
  rtnl_link_set_ns_fd(peer.get(), peer_ns.fd());
  check(rtnl_link_add(sock_.get(), veth.get(), NLM_F_CREATE | NLM_F_EXCL),
        "add veth " + name + " <-> " + peer_name);
}

void Rtnl::add_bridge(const std::string& name) {
  nl::LinkPtr br(rtnl_link_bridge_alloc());
  if (!br) throw std::bad_alloc();
  rtnl_link_set_name(br.get(), name.c_str());
  check(rtnl_link_add(sock_.get(), br.get(), NLM_F_CREATE | NLM_F_EXCL), "add bridge " + name);
}

nl::LinkPtr Rtnl::get(const std::string& link) {
  rtnl_link* raw = nullptr;
  check(rtnl_link_get_kernel(sock_.get(), 0, link.c_str(), &raw), "get link " + link);
  return nl::LinkPtr(raw);
}

void Rtnl::change(const std::string& link, rtnl_link* changes, const char* what) {
  auto orig = get(link);
  check(rtnl_link_change(sock_.get(), orig.get(), changes, 0), std::string(what) + " " + link);
}

void Rtnl::set_master(const std::string& link, const std::string& master) {
  auto changes = alloc_link();
  rtnl_link_set_master(changes.get(), ifindex(master));
  change(link, changes.get(), ("enslave to " + master + ":").c_str());
}

void Rtnl::set_up(const std::string& link, bool up) {
  auto changes = alloc_link();
  if (up)
    rtnl_link_set_flags(changes.get(), IFF_UP);
  else
    rtnl_link_unset_flags(changes.get(), IFF_UP);
  change(link, changes.get(), up ? "set up" : "set down");
}

void Rtnl::set_mac(const std::string& link, const std::string& mac) {
  nl_addr* raw = nullptr;
  check(nl_addr_parse(mac.c_str(), AF_LLC, &raw), "parse MAC " + mac);
  nl::NlAddrPtr addr(raw);
  auto changes = alloc_link();
  rtnl_link_set_addr(changes.get(), addr.get());
  change(link, changes.get(), "set MAC");
}

void Rtnl::add_address(const std::string& link, const std::string& cidr) {
  nl_addr* raw = nullptr;
  check(nl_addr_parse(cidr.c_str(), AF_UNSPEC, &raw), "parse address " + cidr);
  nl::NlAddrPtr local(raw);
  nl::AddrPtr addr(rtnl_addr_alloc());
  if (!addr) throw std::bad_alloc();
  rtnl_addr_set_ifindex(addr.get(), ifindex(link));
  check(rtnl_addr_set_local(addr.get(), local.get()), "set address " + cidr);
  // IPv6 duplicate address detection would hold the address "tentative" for a
  // second; these hosts are the only ones on their segment.
  if (nl_addr_get_family(local.get()) == AF_INET6) rtnl_addr_set_flags(addr.get(), IFA_F_NODAD);
  check(rtnl_addr_add(sock_.get(), addr.get(), 0), "add address " + cidr + " on " + link);
}

void Rtnl::add_default_route(const std::string& link, const std::string& gateway) {
  nl_addr* raw = nullptr;
  check(nl_addr_parse(gateway.c_str(), AF_UNSPEC, &raw), "parse gateway " + gateway);
  nl::NlAddrPtr via(raw);
  const int family = nl_addr_get_family(via.get());
  check(nl_addr_parse(family == AF_INET6 ? "::/0" : "0.0.0.0/0", family, &raw), "parse the default destination");
  nl::NlAddrPtr dst(raw);
  nl::RoutePtr route(rtnl_route_alloc());
  if (!route) throw std::bad_alloc();
  rtnl_route_set_family(route.get(), uint8_t(family));
  check(rtnl_route_set_dst(route.get(), dst.get()), "set the default destination");
  rtnl_nexthop* hop = rtnl_route_nh_alloc();  // owned by the route once added
  if (!hop) throw std::bad_alloc();
  rtnl_route_nh_set_gateway(hop, via.get());
  rtnl_route_nh_set_ifindex(hop, ifindex(link));
  rtnl_route_add_nexthop(route.get(), hop);
  check(rtnl_route_add(sock_.get(), route.get(), NLM_F_CREATE | NLM_F_EXCL), "add default route via " + gateway);
}

void Rtnl::delete_link(const std::string& link) {
  auto l = alloc_link();
  rtnl_link_set_name(l.get(), link.c_str());
  check(rtnl_link_delete(sock_.get(), l.get()), "delete link " + link);
}

void Rtnl::set_group(const std::string& link, uint32_t group) {
  auto changes = alloc_link();
  rtnl_link_set_group(changes.get(), group);
  change(link, changes.get(), "set group");
}

void Rtnl::delete_group(uint32_t group) {
  // libnl's rtnl_link_delete insists on a name or an index; the request is tiny.
  nl::MsgPtr msg(nlmsg_alloc_simple(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK));
  if (!msg) throw std::bad_alloc();
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  check(nlmsg_append(msg.get(), &ifi, sizeof ifi, NLMSG_ALIGNTO), "delete group");
  check(nla_put_u32(msg.get(), IFLA_GROUP, group), "delete group");
  check(nl_send_auto(sock_.get(), msg.get()), "delete group " + std::to_string(group));
  check(nl_wait_for_ack(sock_.get()), "delete group " + std::to_string(group));
}

int Rtnl::ifindex(const std::string& link) { return rtnl_link_get_ifindex(get(link).get()); }

bool Rtnl::has_link(const std::string& link) {
  rtnl_link* raw = nullptr;
  int rc = rtnl_link_get_kernel(sock_.get(), 0, link.c_str(), &raw);
  nl::LinkPtr owned(raw);
  if (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV) return false;
  check(rc, "get link " + link);
  return true;
}

bool Rtnl::is_up(const std::string& link) { return rtnl_link_get_flags(get(link).get()) & IFF_UP; }

std::string Rtnl::operstate(const std::string& link) {
  char buf[32];
  return rtnl_link_operstate2str(rtnl_link_get_operstate(get(link).get()), buf, sizeof buf);
}

std::vector<std::string> Rtnl::link_names() {
  nl_cache* raw = nullptr;
  check(rtnl_link_alloc_cache(sock_.get(), AF_UNSPEC, &raw), "list links");
  nl::CachePtr cache(raw);
  std::vector<std::string> names;
  for (nl_object* o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o))
    names.emplace_back(rtnl_link_get_name(reinterpret_cast<rtnl_link*>(o)));
  return names;
}

}  // namespace crashlab
