#pragma once
#include "runner/case_result.hpp"
#include "runner/case_spec.hpp"

namespace crashlab {

// Compares what was seen with what the case expects; fills res.failures and
// res.verdict. `exact_states`: the observer saw every state change (tracepoints);
// otherwise a sampled sequence must be an ordered subsequence of the expected one
// with the same first and last state, since a sampler can miss short-lived states.
void judge(const CaseSpec& spec, bool exact_states, CaseResult& res);

// True when `seen` equals `expected`, or, if !exact, when seen is an ordered
// subsequence of expected sharing its first and last element.
// The window "detected_after_ms": "model" allows around a prediction: the larger
// of tolerance_pct of it, tolerance_ms and one timer tick (scaled by
// CRASHLAB_TIME_SCALE) before it, and that plus the timer wheel's spread after it.
struct ModelWindow {
  double lo, hi;
};
ModelWindow model_window(double predicted_ms, double late_max_ms, const ModelTolerance& t, double tick_ms);

bool states_match(const std::vector<std::string>& expected, const std::vector<std::string>& seen, bool exact);

}  // namespace crashlab
