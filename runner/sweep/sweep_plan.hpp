#pragma once
// A sweep before it runs: each point's case (the overrides applied), the side it
// watches, the model's pre-run view and expected duration, and the model's curve
// over a fine grid of the first varied parameter. Pure.
#include <optional>
#include <string>
#include <vector>

#include "runner/case/case_spec.hpp"
#include "runner/sweep/summary.hpp"

namespace crashlab::runner::sweep {

struct PlannedPoint {
  Point point;
  CaseSpec spec;
  PointModel model;
  double expected_ms = 0;  // one repeat's expected wall time
};

struct CurveSample {
  double x = 0;
  std::optional<double> predicted_ms;
  std::string error;
};

// The side a sweep reads: the first expecting "model", else the first expecting a
// detection window, else the one the fault spares.
Role watched_side(const CaseSpec& spec);

// Throws InputError (a bad --vary or a value the case's field refuses). The
// expected duration follows the window a run will use (--window as `run` takes it).
std::vector<PlannedPoint> plan_points(const CaseSpec& base, const std::vector<Vary>& varies,
                                      std::optional<int64_t> window_ms = std::nullopt);

// The model along the first --vary (the others as in `at`), at up to `samples`
// integer values from its smallest to its largest: nullopt when it is not numeric.
std::optional<std::vector<CurveSample>> model_curve(const CaseSpec& base, const std::vector<Vary>& varies,
                                                    const Point& at, size_t samples = 400);

}  // namespace crashlab::runner::sweep
