#include "runner/judge/judge.hpp"

#include <algorithm>

#include "netns/wire/tcp_state.hpp"
#include "netns/sys/wait.hpp"
#include "runner/judge/firings.hpp"
#include "runner/ms_text.hpp"

namespace crashlab::runner {

namespace {
template <class T, class Name>
std::string list(const std::vector<T>& v, Name&& name) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " > ") + name(x);
  return s.empty() ? "(none)" : s;
}
std::string state_list(const std::vector<int>& v) { return list(v, [](int s) { return tcp_state_name(s); }); }
std::string outcome_list(const std::vector<Outcome>& v) { return list(v, [](const Outcome& o) { return o.name(); }); }
std::string state_at_end_name(std::optional<int> s) {
  return s && *s != SideExpect::kGone ? tcp_state_name(*s) : "gone";
}

// Gone, or CLOSE: where a side that gives up ends.
bool ended(std::optional<int> s) { return !s || *s == SideExpect::kGone || *s == tcp_state_from_name("CLOSE"); }

// A side still where it was before its end: ESTABLISHED, or one of the states the case
// expects before its last. Another state (CLOSE_WAIT where CLOSE was expected) is a
// different end, not a late one.
bool still_before_end(const SideExpect& e, std::optional<int> seen) {
  if (!seen || *seen == SideExpect::kGone) return false;
  if (*seen == tcp_state_from_name("ESTABLISHED")) return true;
  return e.states && std::find(e.states->begin(), e.states->end() - 1, *seen) != e.states->end() - 1;
}

// How late a side's end came against the latest moment its expectation allows, and
// whether the runner's timer lateness can account for that: each timer on the way
// (each predicted firing, and the give-up) may have fired up to the measured wake-up
// lateness late. A side that never ended within a watch reaching past that moment
// is late by at least the rest of the watch.
struct Lateness {
  double wakeup_late_ms = 0;
  bool explains_end = false;  // the end came after its window, or not at all, by no more than slack_ms(timers)
  double slack_ms(size_t timers) const { return double(timers) * wakeup_late_ms; }
};

Lateness side_lateness(const SideExpect& e, const SidePrediction* p, const Measurement& m, Role role, double tick,
                       double watched_ms) {
  Lateness l;
  l.wakeup_late_ms = m.wakeup_late_max_ns ? double(*m.wakeup_late_max_ns) / 1e6 : 0;
  std::optional<double> hi;
  if (e.detected_after_ms) hi = double(e.detected_after_ms->second) * time_scale();
  if (e.detected_by_model && p && p->not_modelled.empty() && p->detected_after_ms)
    hi = model_window(*p->detected_after_ms, p->late_max_ms, *e.detected_by_model, tick).hi;
  if (!hi) return l;
  const auto t = detected_ns(m.sides.at(role));
  const double late_by = t ? m.ms_after_fault(*t) - *hi : watched_ms - *hi;
  const size_t timers = (p ? p->schedule.size() : 0) + 1;
  l.explains_end = late_by > 0 && late_by <= l.slack_ms(timers);
  return l;
}

std::string window_text(const ModelWindow& w) { return "[" + ms_text(w.lo) + ", " + ms_text(w.hi) + "]"; }

// Records one failed expectation of one side; `late` as Failure::late says.
class Fail {
 public:
  Fail(Judgement& j, Role role) : j_(j), role_(role) {}
  void operator()(std::string field, std::string expected, std::string seen, bool late = false) const {
    j_.failures.push_back({role_, std::move(field), std::move(expected), std::move(seen), late});
  }

 private:
  Judgement& j_;
  Role role_;
};

// True when `seen` stops short of `expected`: it matches one of its proper beginnings.
bool stops_short(const std::vector<int>& expected, const std::vector<int>& seen, bool exact) {
  for (size_t n = 1; n < expected.size(); ++n)
    if (states_match({expected.begin(), expected.begin() + long(n)}, seen, exact)) return true;
  return false;
}
bool stops_short(const std::vector<Outcome>& expected, const std::vector<Outcome>& seen) {
  return seen.size() < expected.size() && std::equal(seen.begin(), seen.end(), expected.begin());
}

// One side against the model: its detection, its error, and (where the tracepoints
// show them) each retransmission against its predicted firing.
void judge_against_model(const ModelTolerance& tol, const Measurement& m, Role role, const SidePrediction* p,
                         double tick, double watched_ms, const Lateness& late, std::string& expected_detection,
                         const Fail& fail) {
  if (!p) return fail("prediction", "a model prediction", "none: this side was hit by the fault");
  if (!p->not_modelled.empty()) return fail("prediction", "a model prediction", "not modelled: " + p->not_modelled);
  auto d = detection(m.sides.at(role));
  std::optional<double> seen_ms;
  if (auto t = detected_ns(m.sides.at(role))) seen_ms = m.ms_after_fault(*t);
  if (!p->detected_after_ms) {
    if (seen_ms) fail("detected_after_ms", "no detection (model: " + p->reason + ")", ms_text(*seen_ms));
    return;
  }
  ModelWindow w = model_window(*p->detected_after_ms, p->late_max_ms, tol, tick);
  std::string expected = "model " + ms_text(*p->detected_after_ms) + " in " + window_text(w);
  expected_detection = window_text(w);
  // The run stopped before the model's moment: nothing after it can be judged, and
  // no lateness made it so.
  if (!seen_ms && w.lo > watched_ms)
    return fail("detected_after_ms", expected,
                "not reached within the window of " + ms_text(watched_ms) + " (predicted " + ms_text(*p->detected_after_ms) + ")");
  if (!seen_ms)
    fail("detected_after_ms", expected, "no detection in the window", late.explains_end);
  else if (*seen_ms < w.lo || *seen_ms > w.hi)
    fail("detected_after_ms", expected, ms_text(*seen_ms), late.explains_end);
  const std::string seen_error = d ? d->outcome.name() : "none";
  if (!p->error.empty() && seen_error != p->error) fail("error", "model " + p->error, seen_error, !d && late.explains_end);
  if (!m.observer.exact) return;  // retransmissions are only seen through the tracepoint
  const std::vector<PredictedFiring> firings = predicted_retransmissions(*p);
  const std::vector<double> seen = retransmissions_ms(m, role);
  auto pairs = pair_firings(firings, seen, [&](const PredictedFiring& f, double at) {
    ModelWindow fw = model_window(f.at_ms, f.late_max_ms, tol, tick);
    return at >= fw.lo && at <= fw.hi;
  });
  const size_t optional = size_t(std::count_if(firings.begin(), firings.end(), [](const auto& f) { return f.optional; }));
  if (seen.size() + optional < firings.size() || seen.size() > firings.size())
    fail("retransmissions",
         std::to_string(firings.size() - optional) + (optional ? " to " + std::to_string(firings.size()) : "") + " (model)",
         std::to_string(seen.size()), seen.size() < firings.size() && late.explains_end);
  std::vector<bool> paired(seen.size(), false);
  for (int k : pairs)
    if (k >= 0) paired[size_t(k)] = true;
  for (size_t i = 0; i < firings.size(); ++i)
    if (pairs[i] < 0 && !firings[i].optional) {
      ModelWindow fw = model_window(firings[i].at_ms, firings[i].late_max_ms, tol, tick);
      // Late when an unpaired firing came after its window by no more than the timers'
      // lateness over this many firings can make it.
      bool late_firing = false;
      for (size_t k = 0; k < seen.size(); ++k)
        late_firing = late_firing || (!paired[k] && seen[k] > fw.hi && seen[k] - fw.hi <= late.slack_ms(i + 1));
      fail("retransmissions[" + std::to_string(i) + "]",
           firings[i].kind + " #" + std::to_string(firings[i].n) + " at " + ms_text(firings[i].at_ms) + " in " + window_text(fw),
           "none there", late_firing);
    }
}

void judge_window(const std::pair<int64_t, int64_t>& window, const std::optional<double>& seen_ms, const Lateness& late,
                  std::string& expected_detection, const Fail& fail) {
  auto [lo, hi] = window;
  double hi_scaled = double(hi) * time_scale();
  expected_detection = "[" + ms_text(double(lo)) + ", " + ms_text(hi_scaled) + "]";
  const std::string expected = "[" + std::to_string(lo) + ", " + ms_text(hi_scaled) + "]";
  if (!seen_ms)
    fail("detected_after_ms", expected, "no detection in the window", late.explains_end);
  else if (*seen_ms < double(lo) || *seen_ms > hi_scaled)
    fail("detected_after_ms", expected, ms_text(*seen_ms), late.explains_end);
}
}  // namespace

ModelWindow model_window(double predicted_ms, double late_max_ms, const ModelTolerance& t, double tick_ms) {
  double tol = std::max({predicted_ms * t.tolerance_pct / 100.0, double(t.tolerance_ms), tick_ms}) * time_scale();
  return {predicted_ms - tol, predicted_ms + late_max_ms + tol};
}

std::string Failure::text() const {
  return std::string(role_name(role)) + "." + field + ": expected " + expected + ", saw " + seen;
}

bool states_match(const std::vector<int>& expected, const std::vector<int>& seen, bool exact) {
  if (exact || seen.empty()) return expected == seen;
  if (seen.front() != expected.front() || seen.back() != expected.back()) return false;
  size_t i = 0;
  for (int s : expected)
    if (i < seen.size() && seen[i] == s) ++i;
  return i == seen.size();
}

std::vector<Outcome> folded_outcomes(const std::vector<AppRecord>& app) {
  std::vector<Outcome> out;
  for (const AppRecord& a : app)
    if (out.empty() || out.back() != a.outcome || a.outcome.kind == Outcome::Kind::Sent) out.push_back(a.outcome);
  return out;
}

Judgement judge(const CaseSpec& spec, const Measurement& m, const Predictions& predicted) {
  Judgement j;
  // Unknown HZ: the coarsest tick.
  const double tick = m.hz && *m.hz > 0 ? 1000.0 / *m.hz : 10.0;
  for (const auto& [role, e] : spec.expect) {
    const SideMeasurement& side = m.sides.at(role);
    const Fail fail(j, role);
    const auto p = predicted.find(role);
    const SidePrediction* prediction = p == predicted.end() ? nullptr : &p->second;
    const double watched_ms = double(spec.window_ms) * time_scale();
    const Lateness late = side_lateness(e, prediction, m, role, tick, watched_ms);
    if (e.states) {
      std::vector<int> seen;
      for (const StateAt& s : side.states) seen.push_back(s.state);
      if (!states_match(*e.states, seen, m.observer.exact))
        fail("states", state_list(*e.states) + (m.observer.exact ? "" : " (sampled: missed states allowed)"), state_list(seen),
             late.explains_end && stops_short(*e.states, seen, m.observer.exact));
    }
    const std::vector<Outcome> app = folded_outcomes(side.app);
    if (e.app && *e.app != app)
      fail("app", outcome_list(*e.app), outcome_list(app), late.explains_end && stops_short(*e.app, app));
    if (e.detected_after_ms) {
      auto t = detected_ns(side);
      judge_window(*e.detected_after_ms, t ? std::optional(m.ms_after_fault(*t)) : std::nullopt, late,
                   j.expected_detection[role], fail);
    }
    if (e.detected_by_model)
      judge_against_model(*e.detected_by_model, m, role, prediction, tick, watched_ms, late, j.expected_detection[role],
                          fail);
    if (e.state_at_end && side.state_at_end.value_or(SideExpect::kGone) != *e.state_at_end)
      fail("state_at_end", state_at_end_name(e.state_at_end), state_at_end_name(side.state_at_end),
           late.explains_end && ended(e.state_at_end) && still_before_end(e, side.state_at_end));
    if (e.sends_nothing && *e.sends_nothing) {
      // What the capture saw leave, where there is one; else the host's own counters.
      const bool wire = side.segments_on_wire_after_fault.has_value();
      const std::optional<int64_t> sent = wire ? side.segments_on_wire_after_fault : side.segments_sent_after_fault;
      if (!sent)
        fail("sends_nothing", "0 TCP segments", "not measurable (no capture, no interface)");
      else if (*sent != 0)
        fail("sends_nothing", "0 TCP segments",
             std::to_string(*sent) + " TCP segments" + (wire ? " in the capture" : " (OutSegs + RetransSegs)"));
    }
  }
  return j;
}

}  // namespace crashlab::runner
