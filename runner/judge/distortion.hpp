#pragma once
#include <optional>
#include <string>
#include <vector>

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

// What distorted the run, one sentence each; empty when nothing did. Pure.
// Covers the steps from the fault on, the observers' losses and the runner's
// wake-up lateness over the window.
std::vector<std::string> distortions(const Measurement& m, const DistortionLimits& limits);

}  // namespace crashlab::runner
