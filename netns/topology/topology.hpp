#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "netns/host/host.hpp"
#include "netns/topology/router.hpp"

namespace crashlab {

enum class Role { Server, Client };
const char* role_name(Role r);

enum class TopologyKind {
  Switch,  // server and client each plugged into a bridge in a third namespace
  Direct,  // one veth pair between server and client
  Router,  // client - NAT router (conntrack, firewall) - server, each on a link of its own
};

struct TopologyOptions {
  TopologyKind kind = TopologyKind::Switch;
  bool ipv6 = false;
  // Called for each host once its eth0 exists (address and MAC set) and before it
  // comes up, both when the topology is built and when a host boots again: the
  // one place a host gets its settings (sysctls such as arp_notify, which acts on
  // the link coming up, must be there by then).
  std::function<void(Role, Host&)> configure = nullptr;
  RouterOptions router;  // Router only
};

// Where a host's packets to its peer go first: the peer itself on a shared link,
// the router in the router topology.
struct NextHop {
  std::string address;
  std::string mac;
};

// Two test hosts joined through a switch namespace (so that when one host dies the
// other's link stays up, as in a real host crash), directly, or through a router
// namespace that NATs the client's network (its address is what the server sees).
class Topology {
 public:
  explicit Topology(TopologyOptions opts);
  ~Topology();

  TopologyKind kind() const { return opts_.kind; }
  Host& host(Role r);
  bool has_host(Role r) const { return slot(r) != nullptr; }
  const NetNs* switch_ns() const { return sw_ ? &sw_->ns() : nullptr; }
  Host* switch_host() { return sw_.get(); }
  std::string address(Role r) const;  // "10.77.0.1" or "fd00:77::1"
  // The peer's address as `viewer`'s socket sees it: behind the router's NAT the
  // server sees the router's outside address, not the client's.
  std::string peer_address(Role viewer) const;
  NextHop next_hop(Role r) const;
  const NetNs* router_ns() const { return router_ ? &router_->ns() : nullptr; }
  // Router only: its conntrack forgets every flow (a firewall restarting).
  void flush_router_conntrack();
  std::string mac(Role r) const;      // the MAC the host currently has
  static std::string switch_port(Role r);  // the bridge port's (or router port's) name in the middle namespace

  // The host's own interface (from inside the host).
  void set_host_link(Role r, bool up);
  // Direct: the *other* host's end of the pair; Switch: the host's bridge port.
  void set_peer_side(Role r, bool up);

  // A host crash: cut its link first so it emits nothing, SIGKILL every process
  // in it, abort its sockets, drop the namespace. The survivor's link stays up.
  void crash_host(Role r);
  // The host comes back with the same address; same MAC unless new_mac. It is
  // configured (TopologyOptions::configure) before its link comes up, as at creation.
  Host& boot_host(Role r, bool new_mac = false);
  // The host announces its MAC, as an interface coming up may: a gratuitous ARP, or
  // in IPv6 an unsolicited neighbour advertisement.
  void announce(Role r);

  // Switch only: the switch drops the host's traffic (every frame, or only TCP so
  // that ARP and ICMP still pass) in both directions or only one, while both hosts
  // and all links stay up; heal() removes the rule. Rules live in the switch namespace.
  enum class Drop { All, Tcp };
  enum class Direction { Both, FromHost, ToHost };
  void partition(Role r, Drop what, Direction dir = Direction::Both);
  void heal(Role r);

 private:
  std::unique_ptr<Host>& slot(Role r) { return r == Role::Server ? server_ : client_; }
  const std::unique_ptr<Host>& slot(Role r) const { return r == Role::Server ? server_ : client_; }
  std::string cidr(Role r) const;
  void plug(Role r);
  void configure(Role r);  // TopologyOptions::configure, if any
  // Waits until the host's eth0 and its other end carry frames (linkwatch has
  // activated both): before that the kernel drops what they send.
  void wait_operational(Role r);
  void unplug(Role r);  // abort sockets, delete its veth (both ends), drop it
  void build_router();
  Host* middle() const { return sw_ ? sw_.get() : router_.get(); }  // switch or router
  std::string router_address(Role side) const;  // the router's address on that side's link
  std::string router_mac(Role side) const;

  TopologyOptions opts_;
  int generation_[2] = {0, 0};  // boots per role, for MACs that differ after a reboot
  // The namespace the others are created from, only for its settings for
  // children: each test host gets a TCP hash table of its own (1024 buckets)
  // instead of sharing the machine's, so every sock_diag dump of a host walks
  // its own few sockets, not the whole machine's table. Destroyed last.
  NetNs parent_;
  // Each owns its namespace; destruction drops it (see ~Topology).
  std::unique_ptr<Host> sw_;
  std::unique_ptr<Host> router_;
  std::unique_ptr<Host> server_;
  std::unique_ptr<Host> client_;
};

}  // namespace crashlab
