#include "runner/sweep/summary.hpp"

#include <algorithm>
#include <cstdio>

#include "runner/ms_text.hpp"

namespace crashlab::runner::sweep {

namespace {
const std::vector<std::string> kNamedOutcomes = {"ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "none"};

std::string number(std::optional<double> v, int decimals = 1) {
  if (!v) return "";
  char b[48];
  std::snprintf(b, sizeof b, "%.*f", decimals, *v);
  return b;
}

nlohmann::json or_null(std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
}  // namespace

RepeatOutcome repeat_outcome(const nlohmann::json& result, Role watched) {
  RepeatOutcome r;
  r.verdict = verdict_named(result.value("verdict", "error")).value_or(Verdict::Error);
  const nlohmann::json side = result.value("sides", nlohmann::json::object()).value(role_name(watched), nlohmann::json::object());
  if (side.value("detected_after_ms", nlohmann::json()).is_number()) r.detected_ms = side["detected_after_ms"].get<double>();
  if (side.value("error", nlohmann::json()).is_string()) r.error = side["error"].get<std::string>();
  return r;
}

PointSummary summarize(const Point& point, const std::vector<RepeatOutcome>& runs, const PointModel& model) {
  PointSummary s;
  s.point = point;
  s.model = model;
  s.n = runs.size();
  std::vector<double> detected;
  for (const RepeatOutcome& r : runs) {
    s.passed += r.verdict == Verdict::Pass;
    s.distorted += r.verdict == Verdict::Distorted;
    s.outcomes[r.error]++;
    if (r.detected_ms && r.verdict != Verdict::Distorted) detected.push_back(*r.detected_ms);
  }
  s.detection = spread(detected);
  if (s.detection && model.predicted_ms) {
    s.diff_ms = s.detection->median - *model.predicted_ms;
    s.diff_pct = 100.0 * *s.diff_ms / std::max(1.0, *model.predicted_ms);
  }
  return s;
}

std::vector<std::string> outcome_columns(const std::vector<PointSummary>& points) {
  std::vector<std::string> cols = kNamedOutcomes;
  for (const PointSummary& p : points)
    for (const auto& [e, n] : p.outcomes)
      if (std::find(cols.begin(), cols.end(), e) == cols.end()) cols.push_back(e);
  return cols;
}

nlohmann::json summary_json(const std::string& case_name, Role watched, const std::vector<PointSummary>& points) {
  nlohmann::json rows = nlohmann::json::array();
  for (const PointSummary& p : points) {
    nlohmann::json values = nlohmann::json::object();
    for (size_t i = 0; i < p.point.keys.size(); ++i) values[p.point.keys[i]] = p.point.values[i];
    nlohmann::json d = nullptr;
    if (p.detection)
      d = {{"min_ms", p.detection->min}, {"median_ms", p.detection->median}, {"max_ms", p.detection->max},
           {"stddev_ms", p.detection->stddev}, {"n", p.detection->n}};
    nlohmann::json acceptance = nullptr;
    if (p.model.acceptance) acceptance = {p.model.acceptance->lo, p.model.acceptance->hi};
    rows.push_back({{"point", p.point.name()},
                    {"values", values},
                    {"n", p.n},
                    {"passed", p.passed},
                    {"distorted", p.distorted},
                    {"outcomes", p.outcomes},
                    {"detection", d},
                    {"model",
                     {{"predicted_ms", or_null(p.model.predicted_ms)},
                      {"acceptance_ms", acceptance},
                      {"error", p.model.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.model.error)}}},
                    {"median_minus_predicted_ms", or_null(p.diff_ms)},
                    {"median_minus_predicted_pct", or_null(p.diff_pct)}});
  }
  return {{"case", case_name}, {"side", role_name(watched)}, {"points", rows}};
}

std::string summary_csv(const std::vector<PointSummary>& points) {
  const std::vector<std::string> cols = outcome_columns(points);
  std::string out;
  if (!points.empty())
    for (const std::string& k : points.front().point.keys) out += csv_field(k) + ",";
  out += "n";
  for (const std::string& c : cols) out += "," + c;
  out += ",min_ms,median_ms,max_ms,stddev_ms,predicted_ms,acceptance_lo_ms,acceptance_hi_ms,diff_ms,diff_pct,passed\n";
  for (const PointSummary& p : points) {
    for (const std::string& v : p.point.values) out += csv_field(v) + ",";
    out += std::to_string(p.n);
    for (const std::string& c : cols) out += "," + std::to_string(p.outcomes.count(c) ? p.outcomes.at(c) : 0);
    const auto& d = p.detection;
    out += "," + number(d ? std::optional(d->min) : std::nullopt) + "," + number(d ? std::optional(d->median) : std::nullopt) +
           "," + number(d ? std::optional(d->max) : std::nullopt) + "," + number(d ? std::optional(d->stddev) : std::nullopt);
    out += "," + number(p.model.predicted_ms) + "," +
           number(p.model.acceptance ? std::optional(p.model.acceptance->lo) : std::nullopt) + "," +
           number(p.model.acceptance ? std::optional(p.model.acceptance->hi) : std::nullopt);
    out += "," + number(p.diff_ms) + "," + number(p.diff_pct) + "," + std::to_string(p.passed) + "\n";
  }
  return out;
}

std::string summary_table(const std::vector<PointSummary>& points) {
  std::string out;
  char b[256];
  std::snprintf(b, sizeof b, "%-28s %3s %-16s %10s %10s %10s %10s %16s %6s\n", "point", "n", "outcomes", "min", "median", "max",
                "model", "diff", "passed");
  out += b;
  for (const PointSummary& p : points) {
    std::string outcomes;
    for (const auto& [e, n] : p.outcomes) outcomes += (outcomes.empty() ? "" : " ") + e + "x" + std::to_string(n);
    const auto& d = p.detection;
    const auto ms = [](std::optional<double> v) { return v ? ms_text(*v) : std::string("-"); };
    std::string diff = p.diff_pct ? number(p.diff_ms) + " ms (" + number(p.diff_pct) + "%)" : "-";
    std::string passed = std::to_string(p.passed) + "/" + std::to_string(p.n);
    if (p.distorted) passed += " (" + std::to_string(p.distorted) + " distorted)";
    std::snprintf(b, sizeof b, "%-28s %3zu %-16s %10s %10s %10s %10s %16s %6s\n", p.point.name().c_str(), p.n,
                  outcomes.c_str(), ms(d ? std::optional(d->min) : std::nullopt).c_str(),
                  ms(d ? std::optional(d->median) : std::nullopt).c_str(),
                  ms(d ? std::optional(d->max) : std::nullopt).c_str(), ms(p.model.predicted_ms).c_str(), diff.c_str(),
                  passed.c_str());
    out += b;
  }
  return out;
}

}  // namespace crashlab::runner::sweep
