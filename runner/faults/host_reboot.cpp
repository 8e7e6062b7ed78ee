// host-reboot: a host crash, then the host boots again with the same address
// (and, if asked, a new MAC, a listener on the old port, a gratuitous ARP).
#include "netns/clock.hpp"
#include "netns/client/bring_up.hpp"
#include "runner/faults/host_crash.hpp"
#include "runner/faults/registry.hpp"
#include "runner/run/world.hpp"

namespace crashlab::runner {

namespace {
class HostReboot : public Fault {
 public:
  int64_t reboot_after_ms = 0;
  bool new_mac = false, listener = false, gratuitous_arp = false;

  FaultKind kind() const override { return FaultKind::HostReboot; }
  nlohmann::json params() const override {
    return {{"reboot_after_ms", reboot_after_ms}, {"new_mac", new_mac}, {"listener", listener}, {"gratuitous_arp", gratuitous_arp}};
  }
  bool kills_target() const override { return true; }
  void inject(World& w, Role target) const override { crash_host(w, target); }
  std::optional<int64_t> recovery_after_ms() const override { return reboot_after_ms; }

  int64_t recover(World& w, Role target) const override {
    w.topo->boot_host(target, new_mac);
    w.watch_host(target);
    int64_t back = monotonic_ns();  // up and reachable; what it then says comes after
    if (gratuitous_arp) {
      w.topo->announce(target);
      // ... except a new MAC: the survivor still sends to the old one until it hears
      // the announcement (a loaded runner once sent it 225 ms after "back", and a
      // retransmission in between was lost).
      if (new_mac) back = monotonic_ns();
    }
    if (listener) start_listener(w, target);
    return back;
  }

  PeerAfterFault peer_after(TopologyKind) const override {
    // A new MAC nobody announced: the survivor keeps sending to the old one, which
    // no host accepts, until its neighbour entry expires, so for the model the
    // peer is not back.
    const bool unannounced = new_mac && !gratuitous_arp;
    return {PeerAfterFault::Peer::Silent, "",
            unannounced ? PeerAfterFault::Recovery::None : PeerAfterFault::Recovery::AnswersRst};
  }

 private:
  // A fresh process on the rebooted host listens on the port the old server used.
  static void start_listener(World& w, Role target) {
    auto ep = std::make_unique<EndpointClient>(w.topo->host(target).ns(), std::string(role_name(target)) + "-rebooted");
    listen_and_accept(*ep, w.topo->address(target), w.key.at(target).local_port);
    w.replace_endpoint(target, std::move(ep));
  }
};
}  // namespace

std::unique_ptr<Fault> parse_host_reboot(Fields& f, const CaseShape& shape) {
  auto r = std::make_unique<HostReboot>();
  if (shape.topology != TopologyKind::Switch) f.fail("type", "host-reboot needs the switch topology");
  r->reboot_after_ms = f.integer("reboot_after_ms", 0, kMaxWindowMs);
  r->new_mac = f.opt_bool("new_mac").value_or(false);
  r->listener = f.opt_bool("listener").value_or(false);
  // In IPv6 the same announcement is an unsolicited neighbour advertisement.
  r->gratuitous_arp = f.opt_bool("gratuitous_arp").value_or(false);
  return r;
}

}  // namespace crashlab::runner
