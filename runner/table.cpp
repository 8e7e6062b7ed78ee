#include "runner/table.hpp"

#include "runner/faults/registry.hpp"
#include "runner/ms_text.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "netns/tcp_state.hpp"

namespace crashlab {

namespace {
std::string states_line(const SideResult& s) {
  std::string out;
  for (const auto& st : s.states) out += (out.empty() ? "" : " > ") + tcp_state_name(st.state);
  return out.empty() ? "(none seen)" : out;
}

std::string app_line(const SideResult& s) {
  if (!s.alive) return "(this side died)";
  std::string out;
  for (const auto& a : s.app) out += (out.empty() ? "" : ", ") + a.name();
  return out.empty() ? "nothing" : out;
}

// "predicted 6620.0 ms ETIMEDOUT, measured 6712.3 ms (+92.3 ms, +1.4 %)"
std::string model_line(const SideResult& s) {
  if (!s.predicted) return "";
  const SidePrediction& p = *s.predicted;
  if (!p.detected_after_ms)
    return "model: " + (p.reason.rfind("not modelled", 0) == 0 ? "" : std::string("no detection: ")) +
           p.reason.substr(0, 100) + (p.reason.size() > 100 ? "..." : "");
  std::string out = "predicted " + ms_text(*p.detected_after_ms) + (p.error.empty() ? "" : " " + p.error);
  if (s.detected_after_ms) {
    double d = *s.detected_after_ms - *p.detected_after_ms;
    char b[64];
    std::snprintf(b, sizeof b, " (%+.1f ms, %+.1f %%)", d, 100.0 * d / std::max(1.0, *p.detected_after_ms));
    out += ", measured " + ms_text(*s.detected_after_ms) + b;
  }
  if (p.alternative_detected_after_ms) out += "; neighbouring outcome " + ms_text(*p.alternative_detected_after_ms);
  return out;
}

std::string pad(std::string s, size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }
}  // namespace

std::string render_case(const CaseResult& r) {
  std::ostringstream o;
  std::string verdict = r.verdict == Verdict::Pass ? "PASS" : r.verdict == Verdict::Fail ? "FAIL" : "ERROR";
  o << "== " << r.name << "  [" << verdict << "]  fault: " << fault_name(r.fault_kind) << " of the " << role_name(r.fault_target)
    << "  (" << ms_text(r.duration_ms) << ", observer: " << r.observer << ")\n";
  if (!r.error.empty()) o << "   error: " << r.error << "\n";
  for (const auto& [role, s] : r.sides) {
    o << "   " << pad(role_name(role), 7) << pad(states_line(s), 58) << " app: " << pad(app_line(s), 24)
      << " detected: " << (s.detected_after_ms ? ms_text(*s.detected_after_ms) : std::string("-"))
      << (s.expected_detection.empty() ? "" : "  window " + s.expected_detection) << "\n";
    if (std::string m = model_line(s); !m.empty()) o << "          " << m << "\n";
  }
  for (const auto& f : r.failures) o << "   FAILED " << f.text() << "\n";
  return o.str();
}

std::string render_summary(const std::vector<CaseResult>& results) {
  std::ostringstream o;
  int pass = 0, fail = 0;
  for (const auto& r : results) (r.passed() ? pass : fail)++;
  o << pass << " passed, " << fail << " failed\n";
  return o.str();
}

}  // namespace crashlab
