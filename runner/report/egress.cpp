#include "runner/report/egress.hpp"

#include "runner/faults/registry.hpp"

namespace crashlab::runner::report {

std::string unsent_reason(const Result& r, const std::string& side, double t) {
  const FaultType* fault = find_fault_type(r.fault_type);
  if (!fault || fault->target_cut.empty() || side != r.fault_target) return "";
  if (t < 0 || (r.recovered && t >= *r.recovered)) return "";
  return std::string(fault->target_cut);
}

}  // namespace crashlab::runner::report
