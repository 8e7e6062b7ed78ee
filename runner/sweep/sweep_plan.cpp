#include "runner/sweep/sweep_plan.hpp"

#include <algorithm>
#include <cmath>

#include "runner/case/overrides.hpp"
#include "runner/case/roles.hpp"
#include "runner/predict/planned.hpp"
#include "runner/run/plan/window.hpp"

namespace crashlab::runner::sweep {

namespace {
CaseSpec with(const CaseSpec& base, const std::vector<std::string>& assignments) {
  CaseSpec s = base;
  for (const std::string& a : assignments) apply_override(s, a);
  return s;
}

PointModel model_of(const CaseSpec& spec, Role watched) {
  PointModel m;
  const Predictions p = plan(spec);
  auto it = p.find(watched);
  if (it == p.end() || !it->second.detected_after_ms) return m;
  const SidePrediction& s = it->second;
  m.predicted_ms = s.detected_after_ms;
  m.error = s.error;
  const auto e = spec.expect.find(watched);
  const ModelTolerance tol = e != spec.expect.end() && e->second.detected_by_model ? *e->second.detected_by_model : ModelTolerance{};
  m.acceptance = model_window(*s.detected_after_ms, s.late_max_ms, tol, kPlanTickMs);
  return m;
}

std::optional<long long> integer(const std::string& s) {
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used);
    return used == s.size() ? std::optional(v) : std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
}
}  // namespace

Role watched_side(const CaseSpec& spec) {
  for (const auto& [role, e] : spec.expect)
    if (e.detected_by_model) return role;
  for (const auto& [role, e] : spec.expect)
    if (e.detected_after_ms) return role;
  return other(spec.fault.target);
}

std::vector<PlannedPoint> plan_points(const CaseSpec& base, const std::vector<Vary>& varies,
                                      std::optional<int64_t> window_ms) {
  const Role watched = watched_side(base);
  std::vector<PlannedPoint> out;
  for (const Point& p : grid(varies)) {
    PlannedPoint pp{p, with(base, p.assignments()), {}, 0};
    pp.model = model_of(pp.spec, watched);
    pp.expected_ms = expected_case_ms(pp.spec, observation_window(pp.spec, plan(pp.spec), window_ms));
    out.push_back(std::move(pp));
  }
  return out;
}

std::optional<std::vector<CurveSample>> model_curve(const CaseSpec& base, const std::vector<Vary>& varies,
                                                    const Point& at, size_t samples) {
  if (varies.empty()) return std::nullopt;
  long long lo = 0, hi = 0;
  for (size_t i = 0; i < varies[0].values.size(); ++i) {
    auto v = integer(varies[0].values[i]);
    if (!v) return std::nullopt;
    lo = i ? std::min(lo, *v) : *v;
    hi = i ? std::max(hi, *v) : *v;
  }
  const Role watched = watched_side(base);
  std::vector<std::string> rest = at.assignments();
  std::vector<CurveSample> out;
  const long long span = hi - lo;
  const size_t n = size_t(std::min<long long>(span, (long long)samples - 1)) + 1;
  long long last = lo - 1;
  for (size_t i = 0; i < n; ++i) {
    long long x = n == 1 ? lo : lo + (long long)std::llround(double(span) * double(i) / double(n - 1));
    if (x == last) continue;
    last = x;
    rest[0] = varies[0].key + "=" + std::to_string(x);
    const PointModel m = model_of(with(base, rest), watched);
    out.push_back({double(x), m.predicted_ms, m.error});
  }
  return out;
}

}  // namespace crashlab::runner::sweep
