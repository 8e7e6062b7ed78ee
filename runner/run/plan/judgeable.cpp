#include "runner/run/plan/judgeable.hpp"

#include "runner/ms_text.hpp"

namespace crashlab::runner {

namespace {
std::string range_text(const std::pair<int64_t, int64_t>& r) {
  return "[" + std::to_string(r.first) + ", " + std::to_string(r.second) + "]";
}

// What the application is predicted to see, as a sentence fragment.
std::string outcome_text(const SidePrediction& p) {
  if (!p.detected_after_ms) return "no detection";
  return (p.error.empty() ? std::string("a detection") : p.error) + " at " + ms_text(*p.detected_after_ms);
}

// Hand-written expectations were written for what a side's application sees and,
// where the fault has a second step (reboot, heal), for whether that comes before it:
// a give-up after a heal leaves the socket alive when the other side talks again.
bool same_outcome(const SidePrediction& a, const SidePrediction& b, std::optional<int64_t> recovery_ms) {
  if (a.detected_after_ms.has_value() != b.detected_after_ms.has_value() || a.error != b.error) return false;
  if (!recovery_ms || !a.detected_after_ms) return true;
  return (*a.detected_after_ms < double(*recovery_ms)) == (*b.detected_after_ms < double(*recovery_ms));
}

std::string outcome_text(const SidePrediction& p, std::optional<int64_t> recovery_ms) {
  std::string s = outcome_text(p);
  if (recovery_ms && p.detected_after_ms)
    s += *p.detected_after_ms < double(*recovery_ms) ? " (before the fault's second step)" : " (after the fault's second step)";
  return s;
}

// The fields of a side's expectation that were written by hand for one outcome.
std::string hand_written_fields(Role role, const SideExpect& e) {
  const std::string side = std::string(role_name(role)) + ".";
  std::string out;
  const auto add = [&](bool present, const char* field) {
    if (present) out += (out.empty() ? "" : ", ") + side + field;
  };
  add(e.app.has_value(), "app");
  add(e.states.has_value(), "states");
  add(e.state_at_end.has_value(), "state_at_end");
  add(e.sends_nothing.value_or(false), "sends_nothing");
  add(e.detected_after_ms.has_value(), "detected_after_ms");
  return out;
}

std::optional<std::string> model_side_not_covered(const CaseSpec& as_run, const Predictions& planned) {
  for (const auto& [role, e] : as_run.expect) {
    // A program's socket options are read during the run: the plan cannot know them.
    if (!e.detected_by_model || as_run.program(role)) continue;
    auto p = planned.find(role);
    if (p != planned.end() && !p->second.not_modelled.empty())
      return as_run.name + ": " + role_name(role) + ".detected_after_ms is \"model\", but the model does not cover this run: " +
             p->second.not_modelled;
  }
  return std::nullopt;
}

std::optional<std::string> window_out_of_reach(const CaseSpec& as_run, const Predictions& planned,
                                               const Predictions& planned_as_written, const ObservationWindow& window) {
  for (const auto& [role, e] : as_run.expect) {
    if (!e.detected_after_ms) continue;
    const auto& range = *e.detected_after_ms;
    const std::string what = as_run.name + ": " + role_name(role) + ".detected_after_ms " + range_text(range);
    if (double(range.first) > double(window.ms))
      return what + " can never be judged: it starts after the " + window_text(window);
    auto now = planned.find(role);
    auto before = planned_as_written.find(role);
    if (now == planned.end() || before == planned_as_written.end()) continue;
    const auto inside = [&](const SidePrediction& p) {
      return p.detected_after_ms && *p.detected_after_ms >= double(range.first) && *p.detected_after_ms <= double(range.second);
    };
    if (inside(before->second) && !inside(now->second))
      return what + " does not follow --set: the model now predicts " +
             (now->second.detected_after_ms ? ms_text(*now->second.detected_after_ms) : std::string("no detection")) +
             " (use \"model\" in the case file)";
  }
  return std::nullopt;
}

std::optional<std::string> outcome_changed(const CaseSpec& as_run, const Predictions& planned,
                                           const Predictions& planned_as_written) {
  std::string fields;
  for (const auto& [role, e] : as_run.expect) {
    const std::string f = hand_written_fields(role, e);
    if (!f.empty()) fields += (fields.empty() ? "" : ", ") + f;
  }
  if (fields.empty()) return std::nullopt;
  const std::optional<int64_t> recovery = as_run.fault->peer_there_after_ms();
  for (const auto& [role, now] : planned) {
    auto before = planned_as_written.find(role);
    if (before == planned_as_written.end() || same_outcome(before->second, now, recovery)) continue;
    return as_run.name + ": --set changes what the model predicts for " + role_name(role) + " from " +
           outcome_text(before->second, recovery) + " to " + outcome_text(now, recovery) + ", and " + fields +
           " were written by hand for the case's own outcome: they do not follow --set";
  }
  return std::nullopt;
}
}  // namespace

std::optional<std::string> unjudgeable(const CaseSpec& as_run, const Predictions& planned,
                                       const Predictions& planned_as_written, const ObservationWindow& window) {
  if (auto why = model_side_not_covered(as_run, planned)) return why;
  if (auto why = window_out_of_reach(as_run, planned, planned_as_written, window)) return why;
  return outcome_changed(as_run, planned, planned_as_written);
}

}  // namespace crashlab::runner
