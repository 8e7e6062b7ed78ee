// host-reboot: a host crash, then the host boots again with the same address
// (and, if asked, a new MAC, a listener on the old port, announcements of its MAC,
// a switch port that forwards only a while after the host is up).
#include "netns/sys/clock.hpp"
#include "netns/client/bring_up.hpp"
#include "runner/faults/host_crash.hpp"
#include "runner/faults/registry.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

namespace {
class HostReboot : public Fault {
 public:
  int64_t reboot_after_ms = 0;
  bool new_mac = false, listener = false;
  // Gratuitous ARPs (IPv6: unsolicited neighbour advertisements) from the moment
  // the host is up, as `arping -U -c COUNT -i INTERVAL` or keepalived send them.
  int announcements = 0;
  int64_t announce_interval_ms = 1000;
  // A switch port without portfast: STP's listening and learning hold it this long.
  int64_t port_forwards_after_ms = 0;

  FaultKind kind() const override { return FaultKind::HostReboot; }
  nlohmann::json params() const override {
    const nlohmann::json garp =
        announcements == 0 ? nlohmann::json(false)
                           : nlohmann::json{{"count", announcements}, {"interval_ms", announce_interval_ms}};
    return {{"reboot_after_ms", reboot_after_ms}, {"new_mac", new_mac},      {"listener", listener},
            {"gratuitous_arp", garp},            {"port_forwards_after_ms", port_forwards_after_ms}};
  }
  bool kills_target() const override { return true; }
  void inject(World& w, Role target) const override { crash_host(w, target); }
  std::optional<int64_t> recovery_after_ms() const override { return reboot_after_ms; }

  int64_t recover(World& w, Role target) const override {
    // The port drops every frame, both ways, until it forwards (a partition of it).
    if (port_forwards_after_ms > 0) w.topo->partition(target, Topology::Drop::All, Topology::Direction::Both);
    w.topo->boot_host(target, new_mac);
    w.watch_host(target);
    const int64_t back = monotonic_ns();  // up; what it then says (or the port lets through) comes after
    if (listener) start_listener(w, target);
    return back;
  }

  // Announcement k at k * interval; the port's step before the first one not
  // earlier than it (on a tie that announcement gets through).
  std::vector<LaterStep> later_steps() const override {
    std::vector<LaterStep> steps;
    for (int k = 0; k < announcements; ++k)
      steps.push_back({k * announce_interval_ms,
                       "announcement " + std::to_string(k + 1) + " of " + std::to_string(announcements), "fault.gratuitous_arp"});
    if (port_forwards_after_ms > 0)
      steps.insert(steps.begin() + ptrdiff_t(*port_step()),
                   LaterStep{port_forwards_after_ms, "the switch port forwards", "fault.port_forwards_after_ms"});
    return steps;
  }
  void do_later_step(World& w, Role target, size_t i) const override {
    if (i == port_step())
      w.topo->heal(target);
    else
      w.topo->announce(target);
  }

  // The old MAC reaches the host once the port forwards; a new one only once an
  // announcement gets through (one sent while the port still drops is lost).
  std::optional<size_t> peer_there_at_later_step() const override {
    if (new_mac && announced_in_time()) return port_step() ? *port_step() + 1 : 0;
    return port_step();
  }

  PeerAfterFault peer_after(TopologyKind) const override {
    // A new MAC nobody heard announced: the survivor keeps sending to the old one,
    // which no host accepts, until its neighbour entry expires, so for the model the
    // peer is not back.
    const bool unheard = new_mac && !announced_in_time();
    return {PeerAfterFault::Peer::Silent, "",
            unheard ? PeerAfterFault::Recovery::None : PeerAfterFault::Recovery::AnswersRst};
  }

 private:
  // Announcements sent before the port forwards are lost.
  int announcements_lost() const {
    int k = 0;
    while (k < announcements && k * announce_interval_ms < port_forwards_after_ms) ++k;
    return k;
  }
  bool announced_in_time() const { return announcements_lost() < announcements; }
  std::optional<size_t> port_step() const {
    if (port_forwards_after_ms == 0) return std::nullopt;
    return size_t(announcements_lost());
  }
  // A fresh process on the rebooted host listens on the port the old server used.
  static void start_listener(World& w, Role target) {
    auto ep = std::make_unique<EndpointClient>(w.topo->host(target).ns(), std::string(role_name(target)) + "-rebooted");
    listen_and_accept(*ep, w.topo->address(target), w.key.at(target).local_port);
    w.replace_endpoint(target, std::move(ep));
  }
};

// true (one), false, or {"count": N, "interval_ms": M}.
void parse_announcements(Fields& f, HostReboot& r) {
  if (!f.has("gratuitous_arp")) return;
  if (f.raw().at("gratuitous_arp").is_boolean()) {
    r.announcements = *f.opt_bool("gratuitous_arp") ? 1 : 0;
    return;
  }
  if (!f.raw().at("gratuitous_arp").is_object())
    f.fail("gratuitous_arp", "must be true, false or {\"count\": N, \"interval_ms\": M}");
  Fields a = f.child("gratuitous_arp");
  r.announcements = int(a.integer("count", 1, 255));  // bonding's num_grat_arp range
  r.announce_interval_ms = a.opt_integer("interval_ms", 1, kMaxWindowMs).value_or(1000);
  a.done();
}
}  // namespace

std::unique_ptr<Fault> parse_host_reboot(Fields& f, const CaseShape& shape) {
  auto r = std::make_unique<HostReboot>();
  if (shape.topology != TopologyKind::Switch) f.fail("type", "host-reboot needs the switch topology");
  r->reboot_after_ms = f.integer("reboot_after_ms", 0, kMaxWindowMs);
  r->new_mac = f.opt_bool("new_mac").value_or(false);
  r->listener = f.opt_bool("listener").value_or(false);
  // In IPv6 the same announcement is an unsolicited neighbour advertisement.
  parse_announcements(f, *r);
  r->port_forwards_after_ms = f.opt_integer("port_forwards_after_ms", 0, kMaxWindowMs).value_or(0);
  return r;
}

}  // namespace crashlab::runner
