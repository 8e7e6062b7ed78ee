#include "runner/expectations.hpp"

#include <cstdio>

#include "netns/wait.hpp"

namespace crashlab {

namespace {
std::string list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " > ") + x;
  return s.empty() ? "(none)" : s;
}

std::string ms(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f ms", v);
  return b;
}
}  // namespace

std::string Failure::text() const { return role + "." + field + ": expected " + expected + ", saw " + seen; }

bool states_match(const std::vector<std::string>& expected, const std::vector<std::string>& seen, bool exact) {
  if (exact || seen.empty()) return expected == seen;
  if (seen.front() != expected.front() || seen.back() != expected.back()) return false;
  size_t i = 0;
  for (const auto& s : expected)
    if (i < seen.size() && seen[i] == s) ++i;
  return i == seen.size();
}

void judge(const CaseSpec& spec, bool exact_states, CaseResult& res) {
  for (const auto& [role, e] : spec.expect) {
    const SideResult& side = res.sides.at(role);
    auto fail = [&](std::string field, std::string expected, std::string seen) {
      res.failures.push_back({role, std::move(field), std::move(expected), std::move(seen)});
    };
    if (e.states) {
      auto seen = state_names(side.states);
      if (!states_match(*e.states, seen, exact_states))
        fail("states", list(*e.states) + (exact_states ? "" : " (sampled: missed states allowed)"), list(seen));
    }
    if (e.app && *e.app != side.app) fail("app", list(*e.app), list(side.app));
    if (e.detected_after_ms) {
      auto [lo, hi] = *e.detected_after_ms;
      double hi_scaled = double(hi) * time_scale();
      if (!side.detected_after_ms)
        fail("detected_after_ms", "[" + std::to_string(lo) + ", " + ms(hi_scaled) + "]", "no detection in the window");
      else if (*side.detected_after_ms < double(lo) || *side.detected_after_ms > hi_scaled)
        fail("detected_after_ms", "[" + std::to_string(lo) + ", " + ms(hi_scaled) + "]", ms(*side.detected_after_ms));
    }
    if (e.state_at_end && side.state_at_end.value_or("gone") != *e.state_at_end)
      fail("state_at_end", *e.state_at_end, side.state_at_end.value_or("gone"));
    if (e.sends_nothing && *e.sends_nothing) {
      if (!side.segments_sent_after_fault)
        fail("sends_nothing", "0 TCP segments", "not measurable (no interface)");
      else if (*side.segments_sent_after_fault != 0)
        fail("sends_nothing", "0 TCP segments", std::to_string(*side.segments_sent_after_fault) + " TCP segments");
    }
  }
  res.verdict = res.failures.empty() ? "pass" : "fail";
}

}  // namespace crashlab
