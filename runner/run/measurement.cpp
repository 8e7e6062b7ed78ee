#include "runner/run/measurement.hpp"

namespace crashlab::runner {

std::optional<AppRecord> detection(const SideMeasurement& side) {
  for (const AppRecord& a : side.app)
    if (a.outcome.detects()) return a;
  return std::nullopt;
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
