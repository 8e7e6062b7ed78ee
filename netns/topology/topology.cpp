#include "netns/topology/topology.hpp"

#include <cstdio>

#include "netns/topology/conntrack.hpp"
#include "netns/link/gratuitous_arp.hpp"
#include "netns/topology/nft.hpp"
#include "netns/link/unsolicited_na.hpp"
#include "netns/sys/wait.hpp"
#include <stdexcept>

namespace crashlab {

namespace {
constexpr const char* kBridge = "br0";
constexpr uint32_t kSwitchGroup = 77;  // the switch's bridge and ports, deleted in one batch
int index_of(Role r) { return r == Role::Server ? 0 : 1; }
Role other_role(Role r) { return r == Role::Server ? Role::Client : Role::Server; }
}  // namespace

const char* role_name(Role r) { return r == Role::Server ? "server" : "client"; }

namespace {
NetNs make_parent() {
  NetNs ns = NetNs::create();
  try {
    Sysctl(ns).write("net.ipv4.tcp_child_ehash_entries", "1024");
  } catch (const std::exception&) {
    // A kernel without it (before 6.1): the hosts share the machine's table, which is only slower.
  }
  return ns;
}
}  // namespace

Topology::Topology(TopologyOptions opts) : opts_(opts), parent_(make_parent()) {
  if (opts_.kind == TopologyKind::Switch) {
    sw_ = std::make_unique<Host>("switch", &parent_);
    sw_->rtnl().add_bridge(kBridge);
    sw_->rtnl().set_group(kBridge, kSwitchGroup);
    sw_->rtnl().set_up(kBridge, true);
    plug(Role::Server);
    plug(Role::Client);
  } else if (opts_.kind == TopologyKind::Router) {
    build_router();
  } else {
    server_ = std::make_unique<Host>("server", &parent_);
    client_ = std::make_unique<Host>("client", &parent_);
    server_->rtnl().add_veth(Host::kIfname, client_->ns(), Host::kIfname);
    for (Role r : {Role::Server, Role::Client}) {
      Rtnl& rt = host(r).rtnl();
      rt.set_mac(Host::kIfname, mac(r));
      rt.add_address(Host::kIfname, cidr(r));
      configure(r);
    }
    for (Role r : {Role::Server, Role::Client}) host(r).rtnl().set_up(Host::kIfname, true);
  }
  for (Role r : {Role::Server, Role::Client}) wait_operational(r);
}

void Topology::wait_operational(Role r) {
  const auto deadline = Clock::now() + scaled(milliseconds(5000));
  auto states = [&] {
    Rtnl& other = middle() ? middle()->rtnl() : host(other_role(r)).rtnl();
    return host(r).rtnl().operstate(Host::kIfname) + "/" + other.operstate(middle() ? switch_port(r) : Host::kIfname);
  };
  require_within([&] { return states() == "up/up"; }, deadline,
                 std::string("the ") + role_name(r) + "'s eth0 and its other end to be operational (up/up)", states);
}

// Links are deleted explicitly because the kernel frees a dropped namespace (and
// the veths in it) asynchronously; sockets are aborted because an orphan still
// retransmitting a FIN would hold its namespace for minutes.
namespace {
// Each undo step runs whatever an earlier one met: one failure must not leave
// the rest (another host's sockets, the links) behind.
template <class F>
void undo_step(const char* what, F&& step) {
  try {
    step();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crashlab: tearing down the topology (%s): %s\n", what, e.what());
  }
}
}  // namespace

Topology::~Topology() {
  for (Host* h : {server_.get(), client_.get()})
    if (h) undo_step("aborting sockets", [&] { h->destroy_sockets(); });
  if (middle())
    undo_step("deleting the switch's or router's links", [&] { middle()->rtnl().delete_group(kSwitchGroup); });
  else if (server_)
    undo_step("deleting the direct link", [&] {
      if (server_->rtnl().has_link(Host::kIfname)) server_->rtnl().delete_link(Host::kIfname);
    });
}

void Topology::unplug(Role r) {
  Host& h = *slot(r);
  h.destroy_sockets();
  if (h.rtnl().has_link(Host::kIfname)) h.rtnl().delete_link(Host::kIfname);
  slot(r).reset();
}

Host& Topology::host(Role r) {
  if (!slot(r)) throw std::logic_error(std::string("host ") + role_name(r) + " is down (crashed and not rebooted)");
  return *slot(r);
}

std::string Topology::switch_port(Role r) { return std::string("p-") + role_name(r); }

std::string Topology::address(Role r) const {
  // Behind the router the client has a network of its own.
  if (opts_.kind == TopologyKind::Router && r == Role::Client) return opts_.ipv6 ? "fd00:78::2" : "10.77.1.2";
  int n = index_of(r) + 1;
  return opts_.ipv6 ? "fd00:77::" + std::to_string(n) : "10.77.0." + std::to_string(n);
}

std::string Topology::router_address(Role side) const {
  if (side == Role::Server) return opts_.ipv6 ? "fd00:77::fe" : "10.77.0.254";
  return opts_.ipv6 ? "fd00:78::fe" : "10.77.1.254";
}

std::string Topology::router_mac(Role side) const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "02:cc:00:fe:00:%02x", index_of(side) + 1);
  return buf;
}

std::string Topology::peer_address(Role viewer) const {
  if (router_ && viewer == Role::Server) return router_address(Role::Server);  // masqueraded
  return address(other_role(viewer));
}

NextHop Topology::next_hop(Role r) const {
  if (router_) return {router_address(r), router_mac(r)};
  return {address(other_role(r)), mac(other_role(r))};
}

std::string Topology::cidr(Role r) const { return address(r) + (opts_.ipv6 ? "/64" : "/24"); }

std::string Topology::mac(Role r) const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "02:cc:00:%02x:00:%02x", index_of(r) + 1, generation_[index_of(r)] & 0xff);
  return buf;
}

// The switch's port comes up before the host's eth0, so that the host has carrier
// the moment its link comes up: what the kernel sends then (arp_notify's
// gratuitous ARP at NETDEV_UP) leaves the host, as from a NIC plugged into a live
// switch. The bridge learns the port's carrier only from linkwatch, after that,
// so it still drops those first frames (docs/case-format.md, host-reboot).
void Topology::plug(Role r) {
  slot(r) = std::make_unique<Host>(role_name(r), &parent_);
  Rtnl& rt = slot(r)->rtnl();
  Rtnl& mid = middle()->rtnl();
  const std::string port = switch_port(r);
  rt.add_veth(Host::kIfname, middle()->ns(), port);
  rt.set_mac(Host::kIfname, mac(r));
  rt.add_address(Host::kIfname, cidr(r));
  configure(r);
  if (sw_) {
    mid.set_master(port, kBridge);
  } else {
    mid.set_mac(port, router_mac(r));
    mid.add_address(port, router_address(r) + (opts_.ipv6 ? "/64" : "/24"));
  }
  mid.set_group(port, kSwitchGroup);
  mid.set_up(port, true);
  rt.set_up(Host::kIfname, true);
  // The server needs no route back: it sees the router's own address (NAT).
  if (router_ && r == Role::Client) rt.add_default_route(Host::kIfname, router_address(r));
}

void Topology::build_router() {
  router_ = std::make_unique<Host>("router", &parent_);
  configure_router(*router_, opts_.router, switch_port(Role::Server));
  plug(Role::Server);
  plug(Role::Client);
}

void Topology::flush_router_conntrack() {
  if (!router_) throw std::logic_error("only the router topology has a conntrack table to flush");
  flush_conntrack(router_->ns());
}

void Topology::configure(Role r) {
  if (opts_.configure) opts_.configure(r, *slot(r));
}

void Topology::set_host_link(Role r, bool up) { host(r).rtnl().set_up(Host::kIfname, up); }

void Topology::set_peer_side(Role r, bool up) {
  if (opts_.kind == TopologyKind::Direct)
    host(other_role(r)).rtnl().set_up(Host::kIfname, up);
  else
    middle()->rtnl().set_up(switch_port(r), up);
}

void Topology::crash_host(Role r) {
  Host& h = host(r);
  // In the direct topology this also takes the survivor's end with it: a veth
  // pair cannot outlive either namespace.
  set_host_link(r, false);
  h.kill_all_processes();
  unplug(r);
}

Host& Topology::boot_host(Role r, bool new_mac) {
  if (opts_.kind != TopologyKind::Switch)
    throw std::logic_error("a host can only reboot in the switch topology: in the direct one its veth pair dies with it");
  if (slot(r)) throw std::logic_error(std::string("host ") + role_name(r) + " is already up");
  if (new_mac) ++generation_[index_of(r)];
  plug(r);
  wait_operational(r);  // booted means reachable
  return *slot(r);
}

void Topology::announce(Role r) {
  if (opts_.ipv6)
    send_unsolicited_na(host(r).ns(), Host::kIfname, address(r));
  else
    send_gratuitous_arp(host(r).ns(), Host::kIfname, address(r));
}

namespace {
std::string partition_table(Role r) { return std::string("crashlab_partition_") + role_name(r); }
}  // namespace

void Topology::partition(Role r, Drop what, Direction dir) {
  if (!sw_) throw std::logic_error("a partition needs the switch topology");
  const std::string port = switch_port(r), match = what == Drop::Tcp ? " meta l4proto tcp" : "";
  std::string rules;
  // The bridge port's ingress is what the host sent; its egress is what reaches it.
  if (dir != Direction::ToHost) rules += "    iifname \"" + port + "\"" + match + " drop\n";
  if (dir != Direction::FromHost) rules += "    oifname \"" + port + "\"" + match + " drop\n";
  run_nft(sw_->ns(), "table bridge " + partition_table(r) + " {\n  chain forward {\n" +
                         "    type filter hook forward priority 0; policy accept;\n" + rules + "  }\n}\n");
}

void Topology::heal(Role r) {
  if (!sw_) throw std::logic_error("a partition needs the switch topology");
  run_nft(sw_->ns(), "delete table bridge " + partition_table(r) + "\n");
}

}  // namespace crashlab
