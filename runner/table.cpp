#include "runner/table.hpp"

#include "runner/faults/registry.hpp"
#include "runner/ms_text.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "netns/wire/tcp_state.hpp"
#include "runner/cli/output/terminal.hpp"
#include "runner/cli/output/text_wrap.hpp"

namespace crashlab::runner {

namespace {
constexpr size_t kSideIndent = 11;  // "   client  " / "   server  "

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
    return "model: " + (p.reason.rfind("not modelled", 0) == 0 ? "" : std::string("no detection: ")) + p.reason;
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

// "program: redis-cli, exited with 1 at 30.61 s; its socket: SO_KEEPALIVE=1 TCP_KEEPIDLE=15 ..."
std::string program_line(const SideResult& s, int64_t fault_t) {
  if (!s.program) return "";
  const ProgramRecord& p = *s.program;
  std::string out = "program: " + (p.command.empty() ? std::string("?") : p.command[0]);
  if (p.exit) out += ", " + p.exit->text() + " at " + ms_text(double(p.exit->t_ns - fault_t) / 1e6);
  if (p.socket_options) {
    out += "; its socket:";
    for (const SocketOption& o : *p.socket_options) out += " " + o.name + "=" + std::to_string(o.value);
  } else if (!p.socket_note.empty()) {
    out += "; socket options not read: " + p.socket_note;
  }
  if (!p.other_connections.empty())
    out += "; at the end it had " + std::to_string(p.other_connections.size()) +
           " other connection(s) to the port (it reconnected, or keeps several): " + p.other_connections.front() +
           (p.other_connections.size() > 1 ? ", ..." : "");
  return out;
}

std::string pad(std::string s, size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }

std::string verdict_word(const CaseResult& r) {
  switch (r.verdict) {
    case Verdict::Pass: return "PASS";
    case Verdict::Fail: return "FAIL";
    case Verdict::Distorted: return "DISTORTED";
    case Verdict::Error: break;
  }
  return "ERROR";
}

// Colours `word` where `marked` (which contains it) first occurs in already wrapped
// text: escapes take no columns, so colour goes in after the layout.
std::string color_first(std::string text, const std::string& marked, const std::string& word) {
  if (size_t at = text.find(marked); at != std::string::npos)
    text.replace(at + marked.find(word), word.size(), cli::colored_verdict(word));
  return text;
}
}  // namespace

std::string render_case(const CaseResult& r, const RowStyle& style) {
  using cli::wrap;
  const size_t w = style.width;
  std::string o;
  const std::string verdict = verdict_word(r);
  o += wrap("== " + r.name + "  [" + verdict + "]  " + fault_text(r.fault_kind, r.fault_target) + "  (" +
                ms_text(r.duration_ms) + ", " + window_text(r.window) + (r.observer.empty() ? "" : ", observer: " + r.observer) + ")",
            w, 6);
  if (style.color) o = color_first(o, "[" + verdict + "]", verdict);
  if (!r.error.empty()) o += wrap("   error: " + r.error, w, 10);
  for (const auto& [role, s] : r.sides) {
    const std::string indent(kSideIndent, ' ');
    o += wrap("   " + pad(role_name(role), kSideIndent - 3) + states_line(s), w, kSideIndent);
    o += wrap(indent + "app: " + app_line(s) + "  detected: " +
                  (s.detected_after_ms ? ms_text(*s.detected_after_ms) : std::string("-")) +
                  (s.expected_detection.empty() ? "" : "  window " + s.expected_detection),
              w, kSideIndent);
    if (std::string m = model_line(s); !m.empty()) o += wrap(indent + m, w, kSideIndent + 2);
    if (std::string p = program_line(s, r.fault_t_ns); !p.empty()) o += wrap(indent + p, w, kSideIndent + 2);
  }
  // A failure a distortion can have caused was not judged; one it cannot stays FAILED.
  for (const auto& f : r.failures) o += wrap(std::string(f.explained ? "   NOT JUDGED " : "   FAILED ") + f.text(), w, 10);
  for (const auto& d : r.distortions) o += wrap("   runner: " + d, w, 11);
  return o;
}

std::string render_summary(const RunSummary& s, const RowStyle& style) {
  std::string o;
  int pass = 0, fail = 0, distorted = 0, error = 0;
  for (const CaseResult* r : s.finished) {
    if (r->passed()) {
      ++pass;
      continue;
    }
    const bool errored = r->verdict == Verdict::Error, was_distorted = r->verdict == Verdict::Distorted;
    (errored ? error : was_distorted ? distorted : fail)++;
    // A failed run leads with a failure no distortion explains.
    auto first = std::find_if(r->failures.begin(), r->failures.end(), [&](const Failure& f) { return was_distorted || !f.explained; });
    // A distorted run that never reached its scenario has its wait's message, not failures.
    std::string why = errored || (r->failures.empty() && !r->error.empty()) ? r->error
                      : first == r->failures.end()                           ? "failed"
                                                                             : first->text();
    if (!errored && r->failures.size() > 1) why += " (+" + std::to_string(r->failures.size() - 1) + " more)";
    if (was_distorted) why = r->distortions.front() + "; so not judged: " + why;
    else if (!errored && !r->distortions.empty())
      why += " (the run was distorted too, which cannot cause this: " + r->distortions.front() + ")";
    std::string word = errored ? "ERROR" : was_distorted ? "DISTORTED" : "FAILED";
    std::string line = cli::wrap(word + " " + r->name + ": " + why, style.width, 4);
    o += style.color ? color_first(line, word, word) : line;
  }
  for (const auto& u : s.unwritten) o += cli::wrap("NOT WRITTEN " + u, style.width, 4);
  char t[32];
  std::snprintf(t, sizeof t, "%.1f s", s.wall_s);
  o += std::to_string(pass) + " passed, " + std::to_string(fail) + " failed, " +
       (distorted ? std::to_string(distorted) + " distorted, " : "") + std::to_string(error) +
       (error == 1 ? " error" : " errors") + " in " + t + "\n";
  if (s.interrupted)
    o += "interrupted: " + std::to_string(s.planned - s.finished.size()) + " of " + std::to_string(s.planned) +
         " cases did not finish\n";
  return o;
}

}  // namespace crashlab::runner
