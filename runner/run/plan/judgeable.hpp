#pragma once
#include <optional>
#include <string>

#include "runner/case/case_spec.hpp"
#include "runner/predict/prediction_input.hpp"
#include "runner/run/plan/window.hpp"

namespace crashlab::runner {

// Why this run could never judge an expectation, or nullopt. Pure. `planned` is
// the model before the run with --set applied, `planned_as_written` without it.
//  - a side expecting "model" that the model does not cover here (a fault it has
//    no rule for, or a setting outside its rules);
//  - a hand-written [min, max] that the overrides moved the prediction out of (as
//    written, it held the prediction), or one that starts after the window ends;
//  - hand-written expectations (app, states, state_at_end, sends_nothing, a window)
//    when the overrides change what the model predicts a side's application sees:
//    they were written for the case's own outcome and do not follow --set.
std::optional<std::string> unjudgeable(const CaseSpec& as_run, const Predictions& planned,
                                       const Predictions& planned_as_written, const ObservationWindow& window);

}  // namespace crashlab::runner
