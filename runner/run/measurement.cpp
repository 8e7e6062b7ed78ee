#include "runner/run/measurement.hpp"

#include "netns/wire/tcp_state.hpp"

namespace crashlab::runner {

std::optional<AppRecord> detection(const SideMeasurement& side) {
  for (const AppRecord& a : side.app)
    if (a.outcome.detects()) return a;
  return std::nullopt;
}

std::optional<int64_t> orphan_end_ns(const SideMeasurement& side) {
  if (!side.closed_t_ns || detection(side)) return std::nullopt;
  for (const StateAt& s : side.states)
    if (s.t_ns >= *side.closed_t_ns && s.state == tcp_state_from_name("CLOSE")) return s.t_ns;
  return std::nullopt;
}

std::optional<int64_t> detected_ns(const SideMeasurement& side) {
  if (auto d = detection(side)) return d->t_ns;
  return orphan_end_ns(side);
}

std::vector<double> retransmissions_ms(const Measurement& m, Role role) {
  std::vector<double> out;
  const ConnKey& k = m.sides.at(role).key;
  for (const KernelEvent& e : m.kernel_events)
    if (e.kind == KernelEvent::Kind::Retransmit && e.error == 0 && e.t_ns >= m.fault_t_ns && e.saddr == k.local_addr &&
        e.sport == k.local_port && e.daddr == k.remote_addr && e.dport == k.remote_port)
      out.push_back(m.ms_after_fault(e.t_ns));
  return out;
}

}  // namespace crashlab::runner
