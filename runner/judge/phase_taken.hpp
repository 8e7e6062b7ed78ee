#pragma once
// Where the timer wheel's phase decides a side's outcome (SidePrediction::other_phase),
// the run is held to the outcome it took.
#include "runner/case/case_spec.hpp"
#include "runner/predict/prediction_input.hpp"
#include "runner/run/measurement.hpp"

namespace crashlab::runner {

// `predicted`, with each side whose run fails its majority outcome but meets the
// phase's other outcome in every judged fact (detection, errno, each firing) given
// that other outcome as its prediction. Pure.
Predictions with_the_phase_taken(const CaseSpec& spec, const Measurement& m, Predictions predicted);

}  // namespace crashlab::runner
