#pragma once
#include <optional>
#include <string>
#include <vector>

#include "runner/predict/prediction_input.hpp"
#include "runner/result/case_result.hpp"
#include "runner/run/measurement.hpp"

namespace crashlab::runner {

// How far the runner's own carrying-out of a scenario may stray before a failed
// expectation is the runner's doing rather than the kernel's or the model's.
struct DistortionLimits {
  double step_late_ms = 0;    // an action or recovery after the fault may start this late
  double fault_took_ms = 0;   // the fault's injection may take this long
  double wakeup_late_ms = 0;  // the runner's own timer wake-ups may run this late during the window
};
// From the kernel's tick (nullopt: unknown, the coarsest) and the CRASHLAB_TIME_SCALE.
DistortionLimits distortion_limits(std::optional<int> hz);

enum class DistortionKind {
  SlowFault,            // the fault's injection took longer than its limit
  LateStep,             // an action or the recovery after the fault started late
  LateTimers,           // the runner's timer wake-ups ran later than a tick
  LostKernelEvents,     // the TCP observer lost events
  LostNeighbourEvents,  // a neighbour monitor lost events
};

struct Distortion {
  DistortionKind kind;
  std::string text;  // one sentence: what, how much, against which limit
};

// What distorted the run; empty when nothing did. Pure. Covers the steps from the
// fault on, the observers' losses and the runner's wake-up lateness over the window.
std::vector<Distortion> distortions(const Measurement& m, const DistortionLimits& limits);

// Whether a distortion of this kind can have caused this failure: a late step or a
// slow fault, any (the scenario was not the one the case describes); late timers,
// what came late or not yet by no more than their lateness makes it (Failure::late),
// never a different end; lost kernel events, the state changes and firings, never what
// the application saw. distortion.cpp gives each reason.
bool can_explain(DistortionKind kind, const Failure& f);

// Marks the "prediction" failures of sides the pre-run plan modelled (modelled_as_planned).
void mark_planned(std::vector<Failure>& failures, const Predictions& planned);

// A bounded wait of the runner's that ran out while its own timer wake-ups ran later
// than their limit: the load, not the kernel, kept the case from its scenario.
// nullopt when the machine kept up (then the timeout is an error).
std::optional<Distortion> overloaded_setup(std::optional<int64_t> wakeup_late_max_ns, const DistortionLimits& limits);

// Marks each failure a distortion can explain; Distorted when there were failures and
// every one is explained, Fail when one is not (a wrong errno stays a failure however
// loaded the machine was), Pass when none.
Verdict judge_distorted(std::vector<Failure>& failures, const std::vector<Distortion>& found);

}  // namespace crashlab::runner
