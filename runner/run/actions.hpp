#pragma once
#include <optional>
#include <vector>

#include "runner/case/case_spec.hpp"
#include "runner/run/measurement.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

// The run's own clock: when the things actions wait for happened.
struct RunClock {
  int64_t connected_t = 0;              // the connection came up (or the connect() after the fault)
  int64_t fault_t = 0;
  std::optional<int64_t> recovered_t;   // the fault's reboot or heal
  std::optional<int64_t> peer_there_t;  // the survivor meets the recovered peer from here (Fault::peer_there_at_later_step)
  std::optional<int64_t> peer_there_from_t;  // ... or perhaps from here: that step began
  Clock::time_point deadline{};         // every wait of the case ends here
};

// One step after the fault: a case's action, or the fault's own recovery step and
// its later steps, placed where their times put them.
struct Step {
  const Action* action = nullptr;  // nullptr: the fault's recovery, or a later step of it
  int64_t recovery_at_ms = 0;      // recovery: after the fault
  std::optional<size_t> later;     // the recovery's later step i, due that long after the recovery
};
std::vector<Step> after_fault_steps(const CaseSpec& spec);

// Waits for the step's trigger and its delay (bounded by the clock's deadline), then
// does it; returns when it was due, started and done.
StepTiming perform(World& w, RunClock& clock, const Step& step);

}  // namespace crashlab::runner
