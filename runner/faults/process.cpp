// process-crash (SIGKILL) and process-exit (the process calls _exit): the
// process dies, its host's kernel lives on and closes the sockets.
#include "runner/faults/registry.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

namespace {
class ProcessDeath : public Fault {
 public:
  explicit ProcessDeath(bool by_signal) : by_signal_(by_signal) {}
  FaultKind kind() const override { return by_signal_ ? FaultKind::ProcessCrash : FaultKind::ProcessExit; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  bool kills_target() const override { return true; }

  void inject(World& w, Role target) const override {
    if (by_signal_) {
      w.kill_process(target);
    } else {
      w.endpoint(target).exit();
      w.endpoint(target).process().wait_exit(default_timeout());
    }
    w.alive[target] = false;
  }

  PeerAfterFault peer_after(TopologyKind) const override {
    return {PeerAfterFault::Peer::Other,
            "the peer's kernel answers at once (FIN or RST): no timer decides, one round trip does"};
  }

 private:
  bool by_signal_;
};
}  // namespace

std::unique_ptr<Fault> parse_process_crash(Fields&, const CaseShape&) { return std::make_unique<ProcessDeath>(true); }
std::unique_ptr<Fault> parse_process_exit(Fields&, const CaseShape&) { return std::make_unique<ProcessDeath>(false); }

}  // namespace crashlab::runner
