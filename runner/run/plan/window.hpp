#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "runner/case/case_spec.hpp"
#include "runner/predict/prediction_input.hpp"

namespace crashlab::runner {

// How long a case watches after the fault, and what decided it.
struct ObservationWindow {
  enum class Source { Case, Model, Flag } source = Source::Case;
  int64_t ms = 5000;
};
const char* window_source_name(ObservationWindow::Source s);  // "case", "model", "--window"
std::string window_text(const ObservationWindow& w);          // "window 14.9 s (model)"

// The tick the pre-run window assumes when the kernel's is not known yet.
inline constexpr double kPlanTickMs = 4.0;

// Where a side expects "model" and the model predicts a detection, the window
// reaches past the end of its acceptance window (model_window's upper bound) by
// a margin, whatever --set changed (where the model does not cover the run, past
// the moment its timers alone would give up); otherwise the case's window_ms stands.
// `flag` (--window) overrides both. Pure.
ObservationWindow observation_window(const CaseSpec& spec, const Predictions& planned,
                                     std::optional<int64_t> flag = std::nullopt);
// The margin past the model's acceptance window: room for the result to arrive.
int64_t window_margin_ms(double acceptance_end_ms);

// The model's whole expected wall time for cases of these windows on `jobs`
// workers, longest first onto the least loaded (ms). Pure.
double expected_wall_ms(std::vector<double> case_ms, size_t jobs);
// A case's expected wall time: its window after the fault plus the fault's delay and setup.
double expected_case_ms(const CaseSpec& spec, const ObservationWindow& w);

}  // namespace crashlab::runner
