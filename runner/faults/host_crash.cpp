// host-crash: the target's link is cut first so it emits nothing, then every
// process in it dies and its namespace goes; the survivor's link stays up.
#include "runner/faults/host_crash.hpp"

#include "runner/faults/registry.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

void crash_host(World& w, Role target) {
  w.unwatch_host(target);
  w.topo->crash_host(target);
  w.alive[target] = false;
}

namespace {
class HostCrash : public Fault {
 public:
  FaultKind kind() const override { return FaultKind::HostCrash; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  bool kills_target() const override { return true; }
  void inject(World& w, Role target) const override { crash_host(w, target); }
  PeerAfterFault peer_after(TopologyKind topology) const override {
    if (topology == TopologyKind::Router)
      return {PeerAfterFault::Peer::Other,
              "the router in between stays up: its own neighbour entry for the dead host decides (once that fails it "
              "answers with ICMP host-unreachable), and the model follows only the survivor's entry"};
    return {PeerAfterFault::Peer::Silent, ""};
  }
};
}  // namespace

std::unique_ptr<Fault> parse_host_crash(Fields&, const CaseShape&) { return std::make_unique<HostCrash>(); }

}  // namespace crashlab::runner
