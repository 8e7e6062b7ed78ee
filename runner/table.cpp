#include "runner/table.hpp"

#include <cstdio>
#include <sstream>

#include "netns/tcp_state.hpp"

namespace crashlab {

namespace {
std::string fmt_ms(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f ms", v);
  return b;
}

std::string states_line(const SideResult& s) {
  std::string out;
  for (const auto& st : s.states) out += (out.empty() ? "" : " > ") + tcp_state_name(st.state);
  return out.empty() ? "(none seen)" : out;
}

std::string app_line(const SideResult& s) {
  if (!s.alive) return "(this side died)";
  std::string out;
  for (const auto& a : s.app) out += (out.empty() ? "" : ", ") + a;
  return out.empty() ? "nothing" : out;
}

std::string pad(std::string s, size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }
}  // namespace

std::string render_case(const CaseResult& r) {
  std::ostringstream o;
  std::string verdict = r.verdict == "pass" ? "PASS" : r.verdict == "fail" ? "FAIL" : "ERROR";
  o << "== " << r.name << "  [" << verdict << "]  fault: " << r.fault_type << " of the " << r.fault_target
    << "  (" << fmt_ms(r.duration_ms) << ", observer: " << r.observer << ")\n";
  if (!r.error.empty()) o << "   error: " << r.error << "\n";
  for (const auto& [role, s] : r.sides) {
    o << "   " << pad(role, 7) << pad(states_line(s), 58) << " app: " << pad(app_line(s), 24)
      << " detected: " << (s.detected_after_ms ? fmt_ms(*s.detected_after_ms) : std::string("-")) << "\n";
  }
  for (const auto& f : r.failures) o << "   FAILED " << f.text() << "\n";
  return o.str();
}

std::string render_summary(const std::vector<CaseResult>& results) {
  std::ostringstream o;
  int pass = 0, fail = 0;
  for (const auto& r : results) (r.verdict == "pass" ? pass : fail)++;
  o << pass << " passed, " << fail << " failed\n";
  return o.str();
}

}  // namespace crashlab
