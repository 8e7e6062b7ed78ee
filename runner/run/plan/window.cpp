#include "runner/run/plan/window.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>

#include "netns/sys/wait.hpp"
#include "runner/judge/judge.hpp"

namespace crashlab::runner {

namespace {
constexpr double kSetupMs = 1500;  // namespaces, endpoints, connection: before the fault

std::optional<double> acceptance_end(const SideExpect& e, const SidePrediction& p) {
  // A side the model does not cover watches until its timers alone would give up,
  // to show what the kernel does instead (crashlab run refuses it; a sweep runs it).
  const std::optional<double> at = p.detected_after_ms ? p.detected_after_ms : p.timers_alone_ms;
  if (!e.detected_by_model || !at) return std::nullopt;
  double end = model_window(*at, p.late_max_ms, *e.detected_by_model, kPlanTickMs).hi;
  for (const SidePrediction& o : p.other_phase)  // the phase's other outcome may come later
    if (auto other = acceptance_end(e, o)) end = std::max(end, *other);
  return end;
}
}  // namespace

const char* window_source_name(ObservationWindow::Source s) {
  switch (s) {
    case ObservationWindow::Source::Case: return "case";
    case ObservationWindow::Source::Model: return "model";
    case ObservationWindow::Source::Flag: return "--window";
  }
  return "case";
}

std::string window_text(const ObservationWindow& w) {
  char b[64];
  std::snprintf(b, sizeof b, "window %.1f s (%s)", double(w.ms) / 1000, window_source_name(w.source));
  return b;
}

int64_t window_margin_ms(double acceptance_end_ms) {
  return int64_t(std::ceil(std::max(500.0, acceptance_end_ms * 0.05)));
}

ObservationWindow observation_window(const CaseSpec& spec, const Predictions& planned, std::optional<int64_t> flag) {
  if (flag) return {ObservationWindow::Source::Flag, *flag};
  ObservationWindow w{ObservationWindow::Source::Case, spec.window_ms};
  for (const auto& [role, e] : spec.expect) {
    auto p = planned.find(role);
    if (p == planned.end()) continue;
    if (auto end = acceptance_end(e, p->second)) {
      // The acceptance window is already scaled by CRASHLAB_TIME_SCALE; the run scales the window again.
      int64_t need = int64_t(std::ceil((*end + double(window_margin_ms(*end))) / time_scale()));
      if (need > w.ms) w = {ObservationWindow::Source::Model, std::min(need, kMaxWindowMs)};
    }
  }
  return w;
}

double expected_case_ms(const CaseSpec& spec, const ObservationWindow& w) {
  return kSetupMs + double(spec.fault.after_ms) + double(w.ms) * time_scale();
}

double expected_wall_ms(std::vector<double> case_ms, size_t jobs) {
  if (case_ms.empty()) return 0;
  std::sort(case_ms.begin(), case_ms.end(), std::greater<>());
  std::priority_queue<double, std::vector<double>, std::greater<>> load;
  for (size_t i = 0; i < std::max<size_t>(1, std::min(jobs, case_ms.size())); ++i) load.push(0);
  double wall = 0;
  for (double c : case_ms) {
    double t = load.top() + c;
    load.pop();
    load.push(t);
    wall = std::max(wall, t);
  }
  return wall;
}

}  // namespace crashlab::runner
