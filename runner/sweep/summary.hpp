#pragma once
// A sweep's summary: per point the values, the outcomes, the detection's spread
// against the model's prediction. Pure; summary.json and summary.csv come from it.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runner/judge/judge.hpp"
#include "runner/result/case_result.hpp"
#include "runner/stats.hpp"
#include "runner/sweep/grid.hpp"

namespace crashlab::runner::sweep {

// What one repeat of a point came to, for the watched side.
struct RepeatOutcome {
  Verdict verdict = Verdict::Error;
  std::optional<double> detected_ms;
  std::string error = "none";  // ETIMEDOUT, EHOSTUNREACH, ECONNRESET, EOF..., or none
};

// The model's pre-run view of a point's watched side.
struct PointModel {
  std::optional<double> predicted_ms;
  std::optional<ModelWindow> acceptance;
  std::string error;  // the errno it predicts, "" for none
};

struct PointSummary {
  Point point;
  size_t n = 0, passed = 0;
  size_t distorted = 0;                 // repeats the runner's own lateness distorted: left out of the spread
  std::map<std::string, int> outcomes;  // error name -> repeats
  std::optional<Spread> detection;
  PointModel model;
  std::optional<double> diff_ms, diff_pct;  // the median against the prediction
};

// From a result file's JSON (docs/results.md): its verdict and the watched side's detection.
RepeatOutcome repeat_outcome(const nlohmann::json& result, Role watched);

PointSummary summarize(const Point& point, const std::vector<RepeatOutcome>& runs, const PointModel& model);

// The outcomes every summary names, whether seen or not, then any others seen.
std::vector<std::string> outcome_columns(const std::vector<PointSummary>& points);

nlohmann::json summary_json(const std::string& case_name, Role watched, const std::vector<PointSummary>& points);
std::string summary_csv(const std::vector<PointSummary>& points);
// The terminal's table: one row per point.
std::string summary_table(const std::vector<PointSummary>& points);

}  // namespace crashlab::runner::sweep
