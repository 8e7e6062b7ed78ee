#include "runner/judge/distortion.hpp"

#include <algorithm>

#include "netns/sys/wait.hpp"
#include "runner/case/roles.hpp"
#include "runner/ms_text.hpp"

namespace crashlab::runner {

DistortionLimits distortion_limits(std::optional<int> hz) {
  const double tick_ms = hz && *hz > 0 ? 1000.0 / *hz : 10.0;
  const double scale = time_scale();
  DistortionLimits l;
  // A timer the kernel runs a tick late is still inside the model's window (judge.hpp);
  // one the machine runs later than that may fall outside it.
  l.wakeup_late_ms = tick_ms * scale;
  // A step starts well under a millisecond late and a host crash takes 15-30 ms to
  // inject, with six cases at once on a busy machine (docs/results.md, "Distorted
  // runs"): these limits leave room for that and stay far below the shortest kernel
  // timer a case meets (the 200 ms RTO).
  l.step_late_ms = std::max(20.0, 5 * tick_ms) * scale;
  l.fault_took_ms = std::max(50.0, 10 * tick_ms) * scale;
  return l;
}

std::vector<Distortion> distortions(const Measurement& m, const DistortionLimits& limits) {
  std::vector<Distortion> out;
  auto fault = std::find_if(m.steps.begin(), m.steps.end(), [](const StepTiming& s) { return s.kind == StepKind::Fault; });
  if (fault != m.steps.end()) {
    // The fault's own parts: its injection, the recovery (a reboot, a heal) that ends it
    // and the recovery's later steps. A recovery that took seconds left the path down
    // that long (the soak's 510 at once: a reboot took 3.2 s, and the retransmission the
    // case is about found nobody).
    for (auto s = fault; s != m.steps.end(); ++s)
      if (s->the_faults() && s->took_ms() > limits.fault_took_ms)
        out.push_back({DistortionKind::SlowFault, "the " + s->what + " took " + ms_text(s->took_ms()) +
                                                      (s->kind == StepKind::Fault ? " to inject" : "") + " (limit " +
                                                      ms_text(limits.fault_took_ms) + ")"});
    // Steps run one after another on one thread: one due while the step before it
    // still ran is late from that step's end, which that step's own limit covers;
    // but one due before a step the runner placed ahead of it (an action that waited
    // for a detection, behind a later step of the recovery) is late from its own time.
    for (auto s = fault + 1; s != m.steps.end(); ++s) {
      const bool held_back = (s - 1)->the_faults() && s->due_ns < (s - 1)->due_ns;
      const double late_ms = double(s->started_ns - (held_back ? s->due_ns : std::max(s->due_ns, (s - 1)->done_ns))) / 1e6;
      if (late_ms > limits.step_late_ms)
        out.push_back({DistortionKind::LateStep, "the " + s->what + " due at " + ms_text(m.ms_after_fault(s->due_ns)) + " started " +
                      ms_text(late_ms) + " late (limit " + ms_text(limits.step_late_ms) + ")"});
    }
  }
  if (m.wakeup_late_max_ns && double(*m.wakeup_late_max_ns) / 1e6 > limits.wakeup_late_ms)
    out.push_back({DistortionKind::LateTimers, "kernel timers ran up to " + ms_text(double(*m.wakeup_late_max_ns) / 1e6) +
                  " late during the window (the runner's 20 ms probe; limit " + ms_text(limits.wakeup_late_ms) +
                  ", one tick): the machine was too loaded to keep TCP's timers on time"});
  if (m.observer.lost > 0)
    out.push_back({DistortionKind::LostKernelEvents,
                   "the observer (" + m.observer.name + ") lost " + std::to_string(m.observer.lost) + " kernel events"});
  for (const auto& [role, side] : m.sides)
    if (side.neighbour_events_lost)
      out.push_back({DistortionKind::LostNeighbourEvents, std::string("the ") + role_name(role) + "'s neighbour monitor lost events"});
  return out;
}

namespace {
// What a failure is about, from the judge's field names (runner/judge/judge.cpp).
enum class Aspect { Detection, Firings, Errno, App, States, EndState, Wire, Prediction, Other };

struct FieldAspect {
  const char* field;
  Aspect aspect;
};
constexpr FieldAspect kFieldAspects[] = {
    {"detected_after_ms", Aspect::Detection}, {"retransmissions", Aspect::Firings}, {"error", Aspect::Errno},
    {"app", Aspect::App},                     {"states", Aspect::States},           {"state_at_end", Aspect::EndState},
    {"sends_nothing", Aspect::Wire},          {"prediction", Aspect::Prediction},
};

Aspect aspect_of(const std::string& field) {
  const std::string base = field.substr(0, field.find('['));  // "retransmissions[3]"
  for (const FieldAspect& f : kFieldAspects)
    if (base == f.field) return f.aspect;
  return Aspect::Other;
}
}  // namespace

bool can_explain(DistortionKind kind, const Failure& f) {
  const Aspect a = aspect_of(f.field);
  switch (kind) {
    // The scenario was not the one the case describes (a heal that came late can turn a
    // recovery into a timeout, a late send starts another chain): any judged fact may
    // follow from it. The model's inputs are the run's own moments, so a side it could
    // not predict is the lateness's doing only where the plan, made before the run
    // from the case alone, did predict it.
    case DistortionKind::SlowFault:
    case DistortionKind::LateStep: return a != Aspect::Prediction || f.modelled_as_planned;
    // TCP's timers fired late: a firing or the give-up after its window, or the end not
    // reached when the watch ended, by no more than the measured lateness can make it
    // (Failure::late, set by the judge). Something early, or a different end
    // (ECONNRESET for ETIMEDOUT, segments where none were expected), is not lateness.
    case DistortionKind::LateTimers: return f.late;
    // The state changes and the firings come from the events. The application's errno,
    // outcomes and detection time come from the endpoint, the end state from a sock_diag
    // look, the wire's count from the interface: none from the events.
    case DistortionKind::LostKernelEvents: return a == Aspect::States || a == Aspect::Firings;
    // Nothing judged comes from the neighbour monitor: the entry at the fault is read
    // back directly. Its loss is reported, and explains no failure.
    case DistortionKind::LostNeighbourEvents: return false;
  }
  return false;
}

void mark_planned(std::vector<Failure>& failures, const Predictions& planned) {
  for (Failure& f : failures) {
    const auto p = planned.find(f.role);
    f.modelled_as_planned = aspect_of(f.field) == Aspect::Prediction && p != planned.end() && p->second.not_modelled.empty();
  }
}

std::optional<Distortion> overloaded_setup(std::optional<int64_t> wakeup_late_max_ns, const DistortionLimits& limits) {
  if (!wakeup_late_max_ns) return std::nullopt;
  const double late_ms = double(*wakeup_late_max_ns) / 1e6;
  if (late_ms <= limits.wakeup_late_ms) return std::nullopt;
  return Distortion{DistortionKind::LateTimers,
                    "kernel timers ran up to " + ms_text(late_ms) + " late while the case ran (the runner's 20 ms probe; limit " +
                        ms_text(limits.wakeup_late_ms) + "): the machine was too loaded for the runner's own bounded waits"};
}

Verdict judge_distorted(std::vector<Failure>& failures, const std::vector<Distortion>& found) {
  bool all = true;
  for (Failure& f : failures) {
    f.explained = std::any_of(found.begin(), found.end(), [&](const Distortion& d) { return can_explain(d.kind, f); });
    all = all && f.explained;
  }
  if (failures.empty()) return Verdict::Pass;
  return all ? Verdict::Distorted : Verdict::Fail;
}

}  // namespace crashlab::runner
