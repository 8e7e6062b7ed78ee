#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "netns/topology/topology.hpp"

namespace crashlab::runner {

class World;

enum class FaultKind {
  ProcessCrash, ProcessExit, HostCrash, HostReboot, LinkDrop, Partition, Freeze, ConntrackFlush, ConntrackTimeout
};

// What the surviving side's kernel faces after the fault: the model's view of the peer.
struct PeerAfterFault {
  enum class Peer {
    Silent,      // sends nothing and answers nothing, ARP included (dead host, full partition)
    TcpDropped,  // ARP and ICMP pass, TCP is dropped (partition "drop": "tcp")
    Acking,      // the peer's kernel still ACKs (a frozen process)
    AnswersRst,  // each TCP segment is answered with a reset (a router rejecting a flow it forgot)
    Other,       // a case the model does not cover (not_modelled says why)
  } peer = Peer::Other;
  std::string not_modelled;
  // What the fault's recovery step (reboot, heal) does to the survivor's next firing.
  enum class Recovery {
    None,         // no recovery step, or one the survivor cannot tell (an unannounced new MAC)
    AnswersRst,   // the peer is back without the connection
    LetsThrough,  // the path heals: the next firing is ACKed
  } recovery = Recovery::None;
  // The peer is as `peer` says only for a segment sent once the flow has been idle
  // this long (a NAT's idle timeout); before that the path works. nullopt: from the fault.
  std::optional<double> after_idle_ms = std::nullopt;
};

// One fault kind's behaviour and its own parameters (one file per kind under
// runner/faults/, one row per kind in registry.cpp). A fault acts on the running
// World; everything it does that a later stage needs is measured, not written
// back into shared fields.
class Fault {
 public:
  virtual ~Fault() = default;
  virtual FaultKind kind() const = 0;
  // Its own parameters as the case gave them (with defaults), for the result file.
  virtual nlohmann::json params() const = 0;
  // The target's endpoint is gone after inject() (its process or host died).
  virtual bool kills_target() const = 0;
  virtual void inject(World& w, Role target) const = 0;
  // The second step (reboot, heal), this long after the injection; nullopt: none.
  virtual std::optional<int64_t> recovery_after_ms() const { return std::nullopt; }
  // Does it; returns when (CLOCK_MONOTONIC) the peer was back or the path whole.
  virtual int64_t recover(World& w, Role target) const;
  // Steps after the recovery, each this long after it, in time order: a rebooted
  // host's announcements, its switch port starting to forward.
  struct LaterStep {
    int64_t after_recovery_ms;
    std::string what;
    std::string field;  // the case's field that asked for it
  };
  virtual std::vector<LaterStep> later_steps() const { return {}; }
  virtual void do_later_step(World& w, Role target, size_t i) const;
  // From which step the survivor's segments meet the peer as peer_after().recovery
  // says (the model's recovery time): nullopt the recovery itself, else later step i.
  virtual std::optional<size_t> peer_there_at_later_step() const { return std::nullopt; }
  // That moment's time after the fault, as the case plans it; nullopt: no recovery.
  std::optional<int64_t> peer_there_after_ms() const;
  virtual PeerAfterFault peer_after(TopologyKind topology) const = 0;
  // The target's kernel runs on and sees its peer as its peer sees it (a two-way
  // partition): the model predicts the target's side too.
  virtual bool target_sees_the_same() const { return false; }
  // The router topology's router, as this fault needs it (what it does with a flow it forgot, its timeouts).
  virtual void shape_router(RouterOptions&) const {}
};

struct FaultSpec {
  FaultKind kind = FaultKind::ProcessCrash;
  Role target = Role::Server;
  int64_t after_ms = 0;  // how long after the connection (and pre-fault traffic) the fault hits
  std::shared_ptr<const Fault> behaviour;

  const Fault& operator*() const { return *behaviour; }
  const Fault* operator->() const { return behaviour.get(); }
};

}  // namespace crashlab::runner
