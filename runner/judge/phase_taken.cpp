#include "runner/judge/phase_taken.hpp"

#include <algorithm>

#include "runner/judge/judge.hpp"

namespace crashlab::runner {

namespace {
bool holds_for(const CaseSpec& spec, const Measurement& m, const Predictions& p, Role role) {
  const std::vector<Failure> f = judge(spec, m, p).failures;
  return std::none_of(f.begin(), f.end(), [&](const Failure& x) { return x.role == role; });
}
}  // namespace

Predictions with_the_phase_taken(const CaseSpec& spec, const Measurement& m, Predictions predicted) {
  for (auto& [role, p] : predicted) {
    if (p.other_phase.empty() || holds_for(spec, m, predicted, role)) continue;
    Predictions other = predicted;
    other[role] = p.other_phase.front();
    if (holds_for(spec, m, other, role)) p = other.at(role);
  }
  return predicted;
}

}  // namespace crashlab::runner
