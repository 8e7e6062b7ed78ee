#pragma once
#include <map>
#include <string>
#include <vector>

#include "runner/case/case_spec.hpp"
#include "runner/predict/prediction_input.hpp"
#include "runner/result/case_result.hpp"
#include "runner/run/measurement.hpp"

namespace crashlab::runner {

struct Judgement {
  std::vector<Failure> failures;
  std::map<Role, std::string> expected_detection;  // the window each side was held to, as text
  Verdict verdict() const { return failures.empty() ? Verdict::Pass : Verdict::Fail; }
};

// Compares what was measured with what the case expects, the model's predictions
// included. Pure. With a sampling observer a state sequence must be an ordered
// subsequence of the expected one with the same first and last state, since a
// sampler can miss short-lived states.
Judgement judge(const CaseSpec& spec, const Measurement& m, const Predictions& predicted);

// The window "detected_after_ms": "model" allows around a prediction: the larger
// of tolerance_pct of it, tolerance_ms and one timer tick (scaled by
// CRASHLAB_TIME_SCALE) before it, and that plus the timer wheel's spread after it.
struct ModelWindow {
  double lo, hi;
};
ModelWindow model_window(double predicted_ms, double late_max_ms, const ModelTolerance& t, double tick_ms);

// True when `seen` equals `expected`, or, if !exact, when seen is an ordered
// subsequence of expected sharing its first and last element.
bool states_match(const std::vector<int>& expected, const std::vector<int>& seen, bool exact);

// What a side saw after the fault, as results list it: repeats folded, except SENT.
std::vector<Outcome> folded_outcomes(const std::vector<AppRecord>& app);

}  // namespace crashlab::runner
