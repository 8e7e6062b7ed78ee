#include "runner/result/timeline.hpp"

#include <algorithm>

#include "netns/sys/errors.hpp"
#include "netns/wire/tcp_state.hpp"
#include "runner/faults/registry.hpp"
#include "runner/judge/firings.hpp"
#include "runner/result/neighbour_json.hpp"

namespace crashlab::runner {

namespace {
using Json = nlohmann::json;

bool local_is(const KernelEvent& e, const ConnKey& k) { return e.saddr == k.local_addr && e.sport == k.local_port; }
bool remote_is(const KernelEvent& e, const ConnKey& k) { return e.daddr == k.remote_addr && e.dport == k.remote_port; }

Json entry(double t_ms, std::optional<Role> side, const std::string& kind, const std::string& detail, const std::string& source) {
  return {{"t_ms", t_ms}, {"side", side ? Json(role_name(*side)) : Json(nullptr)}, {"kind", kind}, {"detail", detail},
          {"source", source}};
}

void add_kernel_events(const Measurement& m, const Predictions& predicted, Role role, Json& tl) {
  const ConnKey& k = m.sides.at(role).key;
  // For the picture, a firing pairs with an observation within half a second.
  auto p = predicted.find(role);
  const std::vector<PredictedFiring> firings =
      p == predicted.end() ? std::vector<PredictedFiring>{} : predicted_retransmissions(p->second);
  const std::vector<double> seen = retransmissions_ms(m, role);
  auto pairs = pair_firings(firings, seen, [](const PredictedFiring& f, double at) {
    return at >= f.at_ms - 500 && at <= f.at_ms + f.late_max_ms + 500;
  });
  std::vector<int> firing_of(seen.size(), -1);
  for (size_t i = 0; i < pairs.size(); ++i)
    if (pairs[i] >= 0) firing_of[size_t(pairs[i])] = int(i);
  size_t n = 0;
  for (const KernelEvent& e : m.kernel_events) {
    if (!local_is(e, k) || !remote_is(e, k)) continue;
    using K = KernelEvent::Kind;
    const double t = m.ms_after_fault(e.t_ns);
    if (e.kind == K::Retransmit && e.t_ns >= m.fault_t_ns && e.error != 0) {
      tl.push_back(entry(t, role, "retransmit_not_sent", errno_name(e.error) + ": the attempt failed, nothing sent", "tracepoint"));
    } else if (e.kind == K::Retransmit && e.t_ns >= m.fault_t_ns) {
      std::string kind = e.state == tcp_state_from_name("SYN_SENT") ? "syn_retransmit" : "retransmit";
      Json j = entry(t, role, kind, "#" + std::to_string(n + 1), "tracepoint");
      if (int f = firing_of[n]; f >= 0) {
        j["kind"] = firings[size_t(f)].kind;
        j["predicted_ms"] = firings[size_t(f)].at_ms;
      }
      ++n;
      tl.push_back(j);
    } else if (e.kind == K::ReceiveReset) {
      tl.push_back(entry(t, role, "reset_received", e.state ? "RST in " + tcp_state_name(e.state) : "RST", "tracepoint"));
    } else if (e.kind == K::SendReset) {
      tl.push_back(entry(t, role, "reset_sent", e.reason.empty() ? "RST" : "RST: " + e.reason, "tracepoint"));
    } else if (e.kind == K::ErrorReport && e.error != 0) {
      tl.push_back(entry(t, role, "error_report", errno_name(e.error), "tracepoint"));
    }
  }
  // Firings the model expects that the kernel never showed, so a picture shows the gap.
  for (size_t i = 0; i < firings.size(); ++i)
    if (pairs[i] < 0) {
      Json j = entry(firings[i].at_ms, role, firings[i].kind, "#" + std::to_string(i + 1) + " not observed", "model");
      j["predicted_ms"] = firings[i].at_ms;
      tl.push_back(j);
    }
}

// Each side's entry for its peer: as read back at the fault, and every change netlink
// announced; the ARP frames of the capture on the side that sent them.
void add_neighbour_events(const Measurement& m, Json& tl) {
  for (const auto& [role, side] : m.sides) {
    if (const auto& n = side.neighbour_at_fault)
      tl.push_back(entry(m.ms_after_fault(n->t_ns), role, "neighbour",
                         (n->state ? nud_state_name(*n->state) + (" at " + n->lladdr) : std::string("no entry")) +
                             " at the fault (asked: " + std::string(neighbour_choice_name(n->asked)) + ")",
                         "runner"));
    for (const NeighbourEvent& e : side.neighbour_events)
      tl.push_back(entry(m.ms_after_fault(e.t_ns), role, "neighbour", neighbour_event_text(e), "netlink"));
  }
  for (const ArpPacket& p : m.arp) {
    std::optional<Role> sender;
    for (const auto& [role, side] : m.sides)
      if (side.key.local_addr == p.sender_ip) sender = role;
    tl.push_back(entry(m.ms_after_fault(p.t_ns), sender, "arp", arp_text(p), "capture"));
  }
}

std::string app_detail(const AppRecord& a) {
  static const char* kEvent[] = {"eof", "sent", "data", "error"};
  std::string detail = a.outcome.kind == Outcome::Kind::Error ? a.op + ": " + a.outcome.name() : kEvent[int(a.outcome.kind)];
  if (a.outcome.kind == Outcome::Kind::Sent || a.outcome.kind == Outcome::Kind::Data)
    detail += " " + std::to_string(a.bytes) + " bytes";
  return detail;
}
}  // namespace

namespace {
// A program's lines from the fault on, and its exit: what it said, beside what the kernel did.
void add_program_output(const Measurement& m, Json& tl) {
  for (const auto& [role, side] : m.sides) {
    if (!side.program) continue;
    for (const app::OutputLine& l : side.program->output)
      if (l.t_ns >= m.fault_t_ns) tl.push_back(entry(m.ms_after_fault(l.t_ns), role, "output", l.text, "program"));
    if (const auto& e = side.program->exit; e && e->t_ns >= m.fault_t_ns)
      tl.push_back(entry(m.ms_after_fault(e->t_ns), role, "exit", e->text(), "program"));
  }
}
}  // namespace

Json build_timeline(const CaseSpec& spec, const Measurement& m, const Predictions& predicted) {
  Json tl = Json::array();
  const FaultType& fault = fault_type(spec.fault.kind);
  const Role target = spec.fault.target;
  tl.push_back(entry(0, fault.on_the_path ? std::nullopt : std::optional(target), "fault", fault_text(fault.kind, target),
                     "runner"));
  if (m.recovered_t_ns)
    tl.push_back(entry(m.ms_after_fault(*m.recovered_t_ns), target, "recovery", std::string(fault.recovery_text), "runner"));
  for (const StepTiming& s : m.steps)
    if (s.kind == StepKind::RecoveryStep)
      tl.push_back(entry(m.ms_after_fault(s.started_ns), target, "recovery_step", s.what, "runner"));
  const std::string state_source = m.observer.exact ? "tracepoint" : "sock_diag";
  for (const auto& [role, side] : m.sides)
    for (const auto& st : side.states) tl.push_back(entry(m.ms_after_fault(st.t_ns), role, "state", tcp_state_name(st.state), state_source));
  for (const auto& [role, side] : m.sides) add_kernel_events(m, predicted, role, tl);
  add_neighbour_events(m, tl);
  for (const auto& [role, side] : m.sides)
    for (const AppRecord& a : side.app)
      tl.push_back(entry(m.ms_after_fault(a.t_ns), role, "app", app_detail(a), side.program ? "program" : "endpoint"));
  add_program_output(m, tl);
  std::stable_sort(tl.begin(), tl.end(), [](const Json& a, const Json& b) { return a["t_ms"].get<double>() < b["t_ms"].get<double>(); });
  return tl;
}

}  // namespace crashlab::runner
