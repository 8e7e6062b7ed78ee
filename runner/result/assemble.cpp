#include "runner/result/assemble.hpp"

#include "runner/judge/distortion.hpp"
#include "runner/result/timeline.hpp"
#include "runner/run/world/topology_options.hpp"

namespace crashlab::runner {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Pass: return "pass";
    case Verdict::Fail: return "fail";
    case Verdict::Distorted: return "distorted";
    case Verdict::Error: return "error";
  }
  return "error";
}

std::optional<Verdict> verdict_named(const std::string& name) {
  for (Verdict v : kVerdicts)
    if (name == verdict_name(v)) return v;
  return std::nullopt;
}

CaseResult result_for(const CaseSpec& spec) {
  CaseResult res;
  res.name = spec.name;
  res.file = spec.file;
  res.description = spec.description;
  res.fault_kind = spec.fault.kind;
  res.fault_target = spec.fault.target;
  if (spec.topology == TopologyKind::Router) {
    res.router_sysctls = router_sysctls();
    for (const auto& [name, value] : topology_options(spec).router.sysctls) res.router_sysctls[name] = value;
  }
  res.fault_params = spec.fault->params();
  res.overrides = spec.overrides;
  return res;
}

void assemble_result(const CaseSpec& spec, const Measurement& m, const Predictions& predicted, const Judgement& j,
                     CaseResult& res) {
  res.fault_t_ns = m.fault_t_ns;
  res.fault_wall_ns = m.fault_t_ns + m.wall_minus_monotonic_ns;
  res.recovered_t_ns = m.recovered_t_ns;
  res.peer_there_t_ns = m.peer_there_t_ns;
  res.machine = m.machine;
  res.kernel = m.machine.is_object() ? m.machine.value("kernel", "") : "";
  res.observer = m.observer.name;
  res.observer_resolution = m.observer.resolution;
  res.observer_note = m.observer.note;
  res.kernel_events_lost = m.observer.lost;
  for (const KernelEvent& e : m.kernel_events) res.kernel_timeline.push_back(std::to_string(e.t_ns) + " " + to_string(e));
  for (const auto& [role, side] : m.sides) {
    res.sysctls[role] = side.sysctls;
    SideResult& r = res.sides[role];
    r.key = side.key;
    r.alive = side.alive;
    r.states = side.states;
    r.app = folded_outcomes(side.app);
    if (auto d = detection(side)) {
      r.error = d->outcome;
      r.detected_after_ms = m.ms_after_fault(d->t_ns);
    } else if (auto end = orphan_end_ns(side)) {
      r.detected_after_ms = m.ms_after_fault(*end);  // the kernel's give-up; no application saw it
    }
    r.detected_from = detected_from(m, role);
    r.state_at_end = side.state_at_end;
    r.segments_sent_after_fault = side.segments_sent_after_fault;
    r.segments_on_wire_after_fault = side.segments_on_wire_after_fault;
    if (auto p = predicted.find(role); p != predicted.end()) r.predicted = p->second;
    if (auto e = j.expected_detection.find(role); e != j.expected_detection.end()) r.expected_detection = e->second;
    r.neighbour_at_fault = side.neighbour_at_fault;
    r.neighbour_events = side.neighbour_events;
    r.neighbour_events_lost = side.neighbour_events_lost;
    r.program = side.program;
  }
  res.arp = m.arp;
  res.timeline = build_timeline(spec, m, predicted);
  res.failures = j.failures;
  res.steps = m.steps;
  if (m.wakeup_late_max_ns) res.wakeup_late_max_ms = double(*m.wakeup_late_max_ns) / 1e6;
  const std::vector<Distortion> found = distortions(m, distortion_limits(m.hz));
  for (const Distortion& d : found) res.distortions.push_back(d.text);
  // A run that passed despite a distortion still showed what the case claims; one whose
  // every failure the distortion can have caused cannot tell the kernel's doing from the
  // runner's; a failure no distortion explains stays a failure.
  res.verdict = judge_distorted(res.failures, found);
}

}  // namespace crashlab::runner
