#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "netns/observe/diag/diag_sampler.hpp"
#include "netns/observe/trace/trace_observer.hpp"

namespace crashlab {

// A listener's request socket as sock_diag samples it: SYN_RECV first and never
// ESTABLISHED (one that was accepted is a connection like any other, even when a
// sample caught its brief SYN_RECV). It never passes through inet_sock_set_state.
bool is_request_socket(const std::vector<StateAt>& sampled);
// Its end is seen only when the sampler happens to look (every millisecond, or with
// tracepoints only at a later event), so it is left to the state at the end (gone)
// rather than reported at a time, or not at all, depending on the observer. A sample
// that missed it for a moment (SYN_RECV, CLOSE, SYN_RECV) is one SYN_RECV.
std::vector<StateAt> without_end(std::vector<StateAt> sampled);

// The state observers of one case. The kernel's tracepoints (exact, needs real
// root) when they can be opened; sock_diag always, because it alone sees TIME_WAIT
// sockets and each side's current state. Beside tracepoints, sock_diag samples only
// for what they cannot give: right after each traced event of the case (a socket
// that became TIME_WAIT, or one whose CLOSE the trace lost) and on request (the
// current state); a waiting case then costs nothing. Without tracepoints it samples
// every millisecond.
class Observation {
 public:
  explicit Observation(uint16_t port);
  void watch(const NetNs& ns) { sampler_->watch(ns); }
  void unwatch(const NetNs& ns) { sampler_->unwatch(ns); }

  // Readable (poll) when states() or kernel_events() may have something new: after a
  // traced event (once sock_diag has been sampled for it) or a sampled state change.
  // take_changes() clears it; call it before looking, so nothing new is missed.
  int changes_fd() const { return changed_.fd(); }
  void take_changes() const { changed_.take(); }

  // One side's state changes, from the best observer, TIME_WAIT filled in from sock_diag.
  std::vector<StateAt> states(const ConnKey& side);
  // The state sock_diag sees now; nullopt if the socket is gone.
  std::optional<std::string> current_state(const ConnKey& side);
  bool exact() const { return trace_ != nullptr; }

  // Every kernel event recorded for the case's port, as one line each (empty when sampling).
  std::vector<std::string> kernel_timeline();
  std::vector<KernelEvent> kernel_events();  // the same, decoded
  // The kernel's dropped events, plus each connection side whose final CLOSE the
  // trace lacked while sock_diag saw the socket gone (states() then takes it from there).
  uint64_t lost_events() const;

  std::string name() const;
  std::string resolution() const;
  // Why the tracepoints are not used, or their caveats, including sides whose
  // trace was incomplete.
  std::string note() const;

 private:
  std::vector<StateAt> traced_states(const ConnKey& side);
  EventFd changed_;
  EventFd traced_;  // the trace recorded events: the sampler takes a sample
  std::string note_;
  std::unique_ptr<TraceObserver> trace_;
  std::unique_ptr<DiagSampler> sampler_;  // last: its thread stops before the rest goes
  mutable std::mutex mu_;
  std::set<std::string> incomplete_;  // ConnKey::text() of sides completed from sock_diag
};

}  // namespace crashlab
