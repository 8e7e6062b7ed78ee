#include "runner/cli/run/run_plan.hpp"

#include <cstdio>

#include "runner/predict/planned.hpp"
#include "runner/run/plan/judgeable.hpp"
#include "runner/run/plan/window.hpp"

namespace crashlab::runner::cli {

RunPlan plan_run(const std::vector<CaseSpec>& as_run, const std::vector<CaseSpec>& as_written,
                 std::optional<int64_t> window_ms, size_t jobs, int repeat) {
  RunPlan out;
  std::vector<double> case_ms;
  for (size_t i = 0; i < as_run.size(); ++i) {
    const Predictions planned = plan(as_run[i]);
    const ObservationWindow w = observation_window(as_run[i], planned, window_ms);
    const Predictions written = i < as_written.size() ? plan(as_written[i]) : planned;
    if (auto why = unjudgeable(as_run[i], planned, written, w); why && !out.problem) out.problem = why;
    for (int r = 0; r < repeat; ++r) case_ms.push_back(expected_case_ms(as_run[i], w));
  }
  out.expected_wall_ms = expected_wall_ms(case_ms, jobs > 0 ? jobs : case_ms.size());
  return out;
}

std::string expected_duration_note(double wall_ms) {
  if (wall_ms <= 60000) return "";
  char b[96];
  std::snprintf(b, sizeof b, "expected to take about %.1f min (the model's windows)\n", wall_ms / 60000);
  return b;
}

}  // namespace crashlab::runner::cli
