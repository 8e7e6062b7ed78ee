// The router forgets the connection (router topology): its conntrack table is
// flushed, as when a firewall restarts (conntrack-flush), or the flow's entry
// ages out once it has been idle for the router's timeout (conntrack-timeout, a
// NAT's idle timeout). Either way the next segment of the flow finds no entry: the
// router drops it, or answers it with a reset ("untracked"). Nothing happens to
// either host, so both sides are predicted.
#include "runner/faults/registry.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

namespace {
constexpr const char* kTimeoutSysctl = "net.netfilter.nf_conntrack_tcp_timeout_established";

class Forget : public Fault {
 public:
  RouterOptions::Untracked untracked = RouterOptions::Untracked::Drop;

  bool kills_target() const override { return false; }
  bool target_sees_the_same() const override { return true; }
  void shape_router(RouterOptions& router) const override { router.untracked = untracked; }

 protected:
  nlohmann::json untracked_param() const { return untracked == RouterOptions::Untracked::Reset ? "reset" : "drop"; }
  PeerAfterFault peer() const {
    return {untracked == RouterOptions::Untracked::Reset ? PeerAfterFault::Peer::AnswersRst
                                                         : PeerAfterFault::Peer::TcpDropped,
            ""};
  }
};

class Flush : public Forget {
 public:
  FaultKind kind() const override { return FaultKind::ConntrackFlush; }
  nlohmann::json params() const override { return {{"untracked", untracked_param()}}; }
  void inject(World& w, Role) const override { w.topo->flush_router_conntrack(); }
  PeerAfterFault peer_after(TopologyKind) const override { return peer(); }
};

class IdleTimeout : public Forget {
 public:
  int64_t idle_timeout_s = 0;

  FaultKind kind() const override { return FaultKind::ConntrackTimeout; }
  nlohmann::json params() const override {
    return {{"untracked", untracked_param()}, {"idle_timeout_s", idle_timeout_s}};
  }
  // The timeout is the router's from the start: the entry's expiry is set by each
  // segment that crosses, so the fault is the idle time that follows the connection.
  void shape_router(RouterOptions& router) const override {
    Forget::shape_router(router);
    router.sysctls[kTimeoutSysctl] = std::to_string(idle_timeout_s);
  }
  void inject(World&, Role) const override {}
  PeerAfterFault peer_after(TopologyKind) const override {
    PeerAfterFault p = peer();
    p.after_idle_ms = double(idle_timeout_s) * 1000;
    return p;
  }
};

RouterOptions::Untracked untracked_field(Fields& f, const CaseShape& shape) {
  if (shape.topology != TopologyKind::Router) f.fail("type", "needs the router topology (\"topology\": \"router\")");
  return f.opt_string("untracked", {"drop", "reset"}).value_or("drop") == "reset" ? RouterOptions::Untracked::Reset
                                                                                   : RouterOptions::Untracked::Drop;
}
}  // namespace

std::unique_ptr<Fault> parse_conntrack_flush(Fields& f, const CaseShape& shape) {
  auto p = std::make_unique<Flush>();
  p->untracked = untracked_field(f, shape);
  return p;
}

std::unique_ptr<Fault> parse_conntrack_timeout(Fields& f, const CaseShape& shape) {
  auto p = std::make_unique<IdleTimeout>();
  p->untracked = untracked_field(f, shape);
  p->idle_timeout_s = f.integer("idle_timeout_s", 1, kMaxWindowMs / 1000);
  if (shape.router_sysctls && shape.router_sysctls->count(kTimeoutSysctl))
    f.fail("idle_timeout_s", std::string("sets the router's ") + kTimeoutSysctl + ": do not set it in sysctls.router too");
  return p;
}

}  // namespace crashlab::runner
