#include "runner/cli/output/repeat_summary.hpp"

#include <map>

#include "runner/cli/output/text_wrap.hpp"
#include "runner/ms_text.hpp"
#include "runner/stats.hpp"

namespace crashlab::runner::cli {

namespace {
struct Runs {
  std::vector<const CaseResult*> results;
};

std::string side_line(Role role, const std::vector<const CaseResult*>& runs) {
  std::vector<double> detected;
  std::map<std::string, int> errors;
  std::vector<double> predicted;  // each run's, from its own measured inputs
  for (const CaseResult* r : runs) {
    auto s = r->sides.find(role);
    if (s == r->sides.end() || !s->second.alive) return "";
    if (s->second.detected_after_ms) detected.push_back(*s->second.detected_after_ms);
    errors[s->second.error ? s->second.error->name() : "none"]++;
    if (s->second.predicted && s->second.predicted->detected_after_ms) predicted.push_back(*s->second.predicted->detected_after_ms);
  }
  std::string line = "   " + std::string(role_name(role)) + "  detected ";
  if (auto sp = spread(detected))
    line += std::to_string(sp->n) + "x: min " + ms_text(sp->min) + " / median " + ms_text(sp->median) + " / max " +
            ms_text(sp->max);
  else
    line += "never";
  std::string seen;
  for (const auto& [e, n] : errors) seen += (seen.empty() ? "" : ", ") + e + " " + std::to_string(n) + "x";
  line += "  (" + seen + ")";
  if (auto p = spread(predicted)) line += "  predicted (median) " + ms_text(p->median);
  return line;
}
}  // namespace

std::string render_repeat_summary(const std::vector<const CaseResult*>& finished, const RowStyle& style) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const CaseResult*>> by_name;
  for (const CaseResult* r : finished) {
    if (!r) continue;
    if (!by_name.count(r->name)) order.push_back(r->name);
    by_name[r->name].push_back(r);
  }
  std::string out;
  for (const std::string& name : order) {
    const auto& runs = by_name[name];
    if (runs.size() < 2) continue;
    size_t passed = 0;
    for (const CaseResult* r : runs) passed += r->passed();
    out += wrap("== " + name + "  n=" + std::to_string(runs.size()) + ", " + std::to_string(passed) + " passed", style.width, 6);
    for (Role role : {Role::Server, Role::Client})
      if (std::string l = side_line(role, runs); !l.empty()) out += wrap(l, style.width, 6);
  }
  return out;
}

}  // namespace crashlab::runner::cli
