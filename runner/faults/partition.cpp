// partition: the switch drops the target's traffic (every frame, or only TCP so
// that ARP and ICMP pass; both ways, or only what it sends or only what reaches
// it) while every host and link stays up; it may heal.
#include "netns/sys/clock.hpp"
#include "runner/faults/registry.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

namespace {
constexpr const char* kDirections[] = {"both", "from_target", "to_target"};  // Topology::Direction's order

const char* direction_name(Topology::Direction d) { return kDirections[static_cast<int>(d)]; }

class Partition : public Fault {
 public:
  Topology::Drop drop = Topology::Drop::All;
  Topology::Direction direction = Topology::Direction::Both;
  std::optional<int64_t> heal_after_ms;

  FaultKind kind() const override { return FaultKind::Partition; }
  nlohmann::json params() const override {
    return {{"drop", drop == Topology::Drop::Tcp ? "tcp" : "all"},
            {"direction", direction_name(direction)},
            {"heal_after_ms", heal_after_ms ? nlohmann::json(*heal_after_ms) : nlohmann::json(nullptr)}};
  }
  bool kills_target() const override { return false; }
  void inject(World& w, Role target) const override { w.topo->partition(target, drop, direction); }
  std::optional<int64_t> recovery_after_ms() const override { return heal_after_ms; }
  int64_t recover(World& w, Role target) const override {
    w.topo->heal(target);
    return monotonic_ns();
  }

  // One way is as silent as both to the survivor's timers: either its segments
  // (and ARP requests) never arrive or every answer is lost. What differs is that
  // the target may still receive (its application sees the data).
  PeerAfterFault peer_after(TopologyKind) const override {
    auto peer = drop == Topology::Drop::Tcp ? PeerAfterFault::Peer::TcpDropped : PeerAfterFault::Peer::Silent;
    return {peer, "", heal_after_ms ? PeerAfterFault::Recovery::LetsThrough : PeerAfterFault::Recovery::None};
  }
  // Both ways, neither host hears the other: each side's timers face the same silence.
  bool target_sees_the_same() const override { return direction == Topology::Direction::Both; }
};
}  // namespace

std::unique_ptr<Fault> parse_partition(Fields& f, const CaseShape& shape) {
  auto p = std::make_unique<Partition>();
  if (shape.topology != TopologyKind::Switch) f.fail("type", "partition needs the switch topology");
  p->drop = f.opt_string("drop", {"all", "tcp"}).value_or("all") == "tcp" ? Topology::Drop::Tcp : Topology::Drop::All;
  const std::string dir = f.opt_string("direction", {kDirections[0], kDirections[1], kDirections[2]}).value_or("both");
  for (int i = 0; i < 3; ++i)
    if (dir == kDirections[i]) p->direction = static_cast<Topology::Direction>(i);
  p->heal_after_ms = f.opt_integer("heal_after_ms", 0, kMaxWindowMs);
  return p;
}

}  // namespace crashlab::runner
