// freeze: the target process is stopped (SIGSTOP); its kernel still ACKs.
#include "runner/faults/registry.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

namespace {
class Freeze : public Fault {
 public:
  FaultKind kind() const override { return FaultKind::Freeze; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  bool kills_target() const override { return false; }
  void inject(World& w, Role target) const override { w.stop_process(target); }
  PeerAfterFault peer_after(TopologyKind) const override { return {PeerAfterFault::Peer::Acking, ""}; }
};
}  // namespace

std::unique_ptr<Fault> parse_freeze(Fields&, const CaseShape&) { return std::make_unique<Freeze>(); }

}  // namespace crashlab::runner
