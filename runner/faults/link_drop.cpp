// link-drop: the target's cable goes. Switch: its bridge port goes down, so the
// survivor's own link stays up. Direct: the target's end of the one veth pair.
#include "runner/faults/registry.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

namespace {
class LinkDrop : public Fault {
 public:
  FaultKind kind() const override { return FaultKind::LinkDrop; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  bool kills_target() const override { return false; }

  void inject(World& w, Role target) const override {
    if (w.topo->kind() == TopologyKind::Direct)
      w.topo->set_host_link(target, false);
    else
      w.topo->set_peer_side(target, false);
  }

  PeerAfterFault peer_after(TopologyKind topology) const override {
    // A downed bridge port swallows everything while the survivor's own link stays up.
    if (topology == TopologyKind::Switch) return {PeerAfterFault::Peer::Silent, ""};
    return {PeerAfterFault::Peer::Other,
            "the survivor's own carrier goes: veth drops, linkwatch and ARP failure decide, not TCP timers"};
  }
};
}  // namespace

std::unique_ptr<Fault> parse_link_drop(Fields& f, const CaseShape& shape) {
  if (shape.topology == TopologyKind::Router) f.fail("type", "link-drop needs the switch or the direct topology");
  return std::make_unique<LinkDrop>();
}

}  // namespace crashlab::runner
