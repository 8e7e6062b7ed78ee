#pragma once
#include <optional>

#include "runner/case/case_spec.hpp"
#include "runner/predict/prediction_input.hpp"

namespace crashlab::runner {

// What the model expects BEFORE a case runs, from the spec alone: its sysctls as
// they will be (the kernel's defaults, as the model's KernelParams hold them, for
// what it does not set), its socket options, and assumed flight values in place
// of the ones a run measures.
struct PlanAssumptions {
  int hz = 250;              // the tick the timer wheel rounds to
  double round_trip_ms = 0.1;  // veth through a bridge: well under a millisecond
};

// Time zero as the case will have it: connect() right after the fault, the first
// send after the fault (its action's delay, or the recovery's plus its delay), or
// else the last segment received (the fault itself). nullopt for a side the fault hits.
std::optional<PredictionInput> planned_input(const CaseSpec& spec, Role role, const PlanAssumptions& a = {});

// Every surviving side's pre-run prediction. Pure.
Predictions plan(const CaseSpec& spec, const PlanAssumptions& a = {});

}  // namespace crashlab::runner
