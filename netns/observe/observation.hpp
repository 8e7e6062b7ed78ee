#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "netns/observe/diag_sampler.hpp"
#include "netns/observe/trace_observer.hpp"

namespace crashlab {

// The state observers of one case. The kernel's tracepoints (exact, needs real
// root) when they can be opened; sock_diag sampling always, because it alone sees
// TIME_WAIT sockets and each side's current state.
class Observation {
 public:
  explicit Observation(uint16_t port);
  void watch(const NetNs& ns) { sampler_.watch(ns); }
  void unwatch(const NetNs& ns) { sampler_.unwatch(ns); }

  // One side's state changes, from the best observer, TIME_WAIT filled in from sock_diag.
  std::vector<StateAt> states(const ConnKey& side);
  // The state sock_diag sees now; nullopt if the socket is gone.
  std::optional<std::string> current_state(const ConnKey& side);
  bool exact() const { return trace_ != nullptr; }

  // Every kernel event recorded for the case's port, as one line each (empty when sampling).
  std::vector<std::string> kernel_timeline();
  std::vector<KernelEvent> kernel_events();  // the same, decoded
  uint64_t lost_events() const { return trace_ ? trace_->lost() : 0; }

  std::string name() const;
  std::string resolution() const;
  // Why the tracepoints are not used, or their caveats, including sides whose
  // trace was incomplete.
  std::string note() const;

 private:
  std::vector<StateAt> traced_states(const ConnKey& side);
  DiagSampler sampler_;
  std::unique_ptr<TraceObserver> trace_;
  std::string note_;
  mutable std::mutex mu_;
  std::set<std::string> incomplete_;  // ConnKey::text() of sides completed from sock_diag
};

}  // namespace crashlab
