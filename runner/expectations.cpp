#include "runner/expectations.hpp"
#include "runner/ms_text.hpp"

#include <algorithm>
#include <cstdio>

#include "netns/wait.hpp"
#include "runner/timeline.hpp"

namespace crashlab {

namespace {
std::string list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " > ") + x;
  return s.empty() ? "(none)" : s;
}

double tick_ms_of(const CaseResult& res) {
  const auto& hz = res.machine.value("hz", nlohmann::json());
  return hz.is_number_integer() && hz.get<int>() > 0 ? 1000.0 / hz.get<int>() : 10.0;  // unknown HZ: the coarsest
}

std::string window_text(const ModelWindow& w) { return "[" + ms_text(w.lo) + ", " + ms_text(w.hi) + "]"; }

template <class Fail>
void judge_against_model(const ModelTolerance& tol, SideResult& side, bool exact, double tick, int64_t fault_t,
                         Fail&& fail) {
  if (!side.predicted) return fail("detected_after_ms", "a model prediction", "none: this side was hit by the fault");
  const SidePrediction& p = *side.predicted;
  if (!p.detected_after_ms) {
    if (side.detected_after_ms)
      fail("detected_after_ms", "no detection (model: " + p.reason + ")", ms_text(*side.detected_after_ms));
    return;
  }
  ModelWindow w = model_window(*p.detected_after_ms, p.late_max_ms, tol, tick);
  std::string expected = "model " + ms_text(*p.detected_after_ms) + " in " + window_text(w);
  side.expected_detection = window_text(w);
  if (!side.detected_after_ms)
    fail("detected_after_ms", expected, "no detection in the window");
  else if (*side.detected_after_ms < w.lo || *side.detected_after_ms > w.hi)
    fail("detected_after_ms", expected, ms_text(*side.detected_after_ms));
  if (!p.error.empty() && side.error.value_or("none") != p.error) fail("error", "model " + p.error, side.error.value_or("none"));
  if (!exact) return;  // retransmissions are only seen through the tracepoint
  const std::vector<PredictedFiring> firings = predicted_retransmissions(side);
  std::vector<double> seen;
  for (int64_t t : side.retransmissions_t_ns) seen.push_back(double(t - fault_t) / 1e6);
  auto pairs = pair_firings(firings, seen, [&](const PredictedFiring& f, double at) {
    ModelWindow fw = model_window(f.at_ms, f.late_max_ms, tol, tick);
    return at >= fw.lo && at <= fw.hi;
  });
  const size_t optional = size_t(std::count_if(firings.begin(), firings.end(), [](const auto& f) { return f.optional; }));
  if (seen.size() + optional < firings.size() || seen.size() > firings.size())
    fail("retransmissions",
         std::to_string(firings.size() - optional) + (optional ? " to " + std::to_string(firings.size()) : "") + " (model)",
         std::to_string(seen.size()));
  for (size_t i = 0; i < firings.size(); ++i)
    if (pairs[i] < 0 && !firings[i].optional) {
      ModelWindow fw = model_window(firings[i].at_ms, firings[i].late_max_ms, tol, tick);
      fail("retransmissions[" + std::to_string(i) + "]",
           firings[i].kind + " #" + std::to_string(firings[i].n) + " at " + ms_text(firings[i].at_ms) + " in " + window_text(fw),
           "none there");
    }
}

}  // namespace

ModelWindow model_window(double predicted_ms, double late_max_ms, const ModelTolerance& t, double tick_ms) {
  double tol = std::max({predicted_ms * t.tolerance_pct / 100.0, double(t.tolerance_ms), tick_ms}) * time_scale();
  return {predicted_ms - tol, predicted_ms + late_max_ms + tol};
}

std::string Failure::text() const { return role + "." + field + ": expected " + expected + ", saw " + seen; }

bool states_match(const std::vector<std::string>& expected, const std::vector<std::string>& seen, bool exact) {
  if (exact || seen.empty()) return expected == seen;
  if (seen.front() != expected.front() || seen.back() != expected.back()) return false;
  size_t i = 0;
  for (const auto& s : expected)
    if (i < seen.size() && seen[i] == s) ++i;
  return i == seen.size();
}

void judge(const CaseSpec& spec, bool exact_states, CaseResult& res) {
  for (const auto& [role, e] : spec.expect) {
    SideResult& side = res.sides.at(role);
    auto fail = [&](std::string field, std::string expected, std::string seen) {
      res.failures.push_back({role, std::move(field), std::move(expected), std::move(seen)});
    };
    if (e.states) {
      auto seen = state_names(side.states);
      if (!states_match(*e.states, seen, exact_states))
        fail("states", list(*e.states) + (exact_states ? "" : " (sampled: missed states allowed)"), list(seen));
    }
    if (e.app && *e.app != side.app) fail("app", list(*e.app), list(side.app));
    if (e.detected_after_ms) {
      auto [lo, hi] = *e.detected_after_ms;
      double hi_scaled = double(hi) * time_scale();
      side.expected_detection = "[" + ms_text(double(lo)) + ", " + ms_text(hi_scaled) + "]";
      if (!side.detected_after_ms)
        fail("detected_after_ms", "[" + std::to_string(lo) + ", " + ms_text(hi_scaled) + "]", "no detection in the window");
      else if (*side.detected_after_ms < double(lo) || *side.detected_after_ms > hi_scaled)
        fail("detected_after_ms", "[" + std::to_string(lo) + ", " + ms_text(hi_scaled) + "]", ms_text(*side.detected_after_ms));
    }
    if (e.detected_by_model) judge_against_model(*e.detected_by_model, side, exact_states, tick_ms_of(res), res.fault_t_ns, fail);
    if (e.state_at_end && side.state_at_end.value_or("gone") != *e.state_at_end)
      fail("state_at_end", *e.state_at_end, side.state_at_end.value_or("gone"));
    if (e.sends_nothing && *e.sends_nothing) {
      if (!side.segments_sent_after_fault)
        fail("sends_nothing", "0 TCP segments", "not measurable (no interface)");
      else if (*side.segments_sent_after_fault != 0)
        fail("sends_nothing", "0 TCP segments", std::to_string(*side.segments_sent_after_fault) + " TCP segments");
    }
  }
  res.verdict = res.failures.empty() ? "pass" : "fail";
}

}  // namespace crashlab
