#include "runner/faults.hpp"

#include <csignal>

#include "netns/client/bring_up.hpp"
#include "netns/clock.hpp"

namespace crashlab {

namespace {
void kill_process(World& w, const std::string& target, bool by_signal) {
  EndpointClient& ep = w.endpoint(target);
  if (by_signal)
    ep.process().signal(SIGKILL);
  else
    ep.exit();
  ep.process().wait_exit(default_timeout());
  w.alive[target] = false;
}

void crash_host(World& w, const std::string& target) {
  Role r = role_of(target);
  w.obs->unwatch(w.topo->host(r).ns());
  w.topo->crash_host(r);
  w.alive[target] = false;
}

// A fresh process on the rebooted host listens on the port the old server used.
void start_listener(World& w, const std::string& target) {
  Role r = role_of(target);
  auto ep = std::make_unique<EndpointClient>(w.topo->host(r).ns(), target + "-rebooted");
  listen_and_accept(*ep, w.topo->address(r), w.key[target].local_port);
  w.retired.push_back(std::move(w.ep[target]));
  w.ep[target] = std::move(ep);
}
}  // namespace

void inject(World& w) {
  const FaultSpec& f = w.spec.fault;
  Role target = role_of(f.target);
  for (const char* role : {"server", "client"})
    if (w.topo->has_host(role_of(role))) {
      w.host_at_fault[role] = &w.topo->host(role_of(role));
      w.tx_at_fault[role] = w.host_at_fault[role]->tcp_segments_sent();
    }
  w.fault_t = monotonic_ns();
  if (f.type == "process-crash" || f.type == "process-exit")
    kill_process(w, f.target, f.type == "process-crash");
  else if (f.type == "host-crash" || f.type == "host-reboot")
    crash_host(w, f.target);
  else if (f.type == "link-drop" && w.topo->kind() == TopologyKind::Direct)
    w.topo->set_host_link(target, false);
  else if (f.type == "link-drop")
    w.topo->set_peer_side(target, false);
  else if (f.type == "partition")
    w.topo->partition(target, f.drop == "tcp" ? Topology::Drop::Tcp : Topology::Drop::All);
  else if (f.type == "freeze")
    w.endpoint(f.target).process().signal(SIGSTOP);
}

void recover(World& w) {
  const FaultSpec& f = w.spec.fault;
  Role target = role_of(f.target);
  if (f.type == "host-reboot") {
    Host& h = w.topo->boot_host(target, f.new_mac);
    w.obs->watch(h.ns());
    if (f.gratuitous_arp) w.topo->announce(target);
    w.recovered_t = monotonic_ns();
    if (f.listener) start_listener(w, f.target);
  } else if (f.type == "partition") {
    w.topo->heal(target);
    w.recovered_t = monotonic_ns();
  }
}

}  // namespace crashlab
