#pragma once
// What a run is in for before anything is created: each case's window from the
// pre-run prediction, the expected wall time, and expectations it could never judge.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runner/case/case_spec.hpp"

namespace crashlab::runner::cli {

struct RunPlan {
  std::optional<std::string> problem;  // a refusal (exit 2), naming the case and the expectation
  double expected_wall_ms = 0;         // the model's estimate for the whole run
};

// as_run: the cases with --set applied; as_written: the same cases without it
// (same order). Pure.
RunPlan plan_run(const std::vector<CaseSpec>& as_run, const std::vector<CaseSpec>& as_written,
                 std::optional<int64_t> window_ms, size_t jobs, int repeat);

// "expected to take about 4.2 min (the model's prediction)", or "" under a minute.
std::string expected_duration_note(double wall_ms);

}  // namespace crashlab::runner::cli
