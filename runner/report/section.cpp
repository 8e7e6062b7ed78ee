#include "runner/report/section.hpp"

#include <set>
#include <sstream>

#include "runner/report/format.hpp"
#include "runner/report/kinds.hpp"
#include "runner/report/panels.hpp"
#include "runner/report/svg.hpp"

namespace crashlab::runner::report {
namespace {

std::string legend(const Result& r) {
  std::ostringstream o;
  std::set<std::string> states, kinds;
  bool pred = false, detect = false, pdetect = false, unsent = false;
  for (const Side& s : r.sides) {
    for (const auto& st : s.states) states.insert(st.state);
    for (const auto& m : s.marks) {
      kinds.insert(m.kind);
      pred = pred || m.predicted;
      unsent = unsent || !m.unsent.empty();
    }
    detect = detect || s.detected;
    pdetect = pdetect || (s.predicted && s.predicted->detected);
  }
  o << "<div class=\"legend\">";
  for (const auto& st : states)
    o << "<span><i class=\"swatch\" style=\"background:" << state_colour(st) << "\"></i>" << esc(st) << "</span>";
  for (const auto& k : kinds)
    o << "<span><i class=\"swatch tick\" style=\"background:" << kind_colour(k) << "\"></i>" << esc(short_kind(k))
      << " = " << esc(k) << "</span>";
  o << "<span><i class=\"swatch fault\"></i>fault (t = 0)</span>";
  if (r.recovered) o << "<span><i class=\"swatch fault\" style=\"background:#2e7d32\"></i>recovery (reboot / heal)</span>";
  if (detect) o << "<span>◆ detected (first EOF / error)</span>";
  if (pred) o << "<span>○ dashed, below the band: predicted firing, shaded: how late it may be</span>";
  if (pdetect) o << "<span>◇ dashed: predicted detection</span>";
  if (unsent) o << "<span>hollow, dotted: the kernel made it, but it never left the host (the fault cut its link)</span>";
  o << "<span>ticks above the band: observed</span></div>";
  return o.str();
}

std::string side_table(const Result& r) {
  std::ostringstream o;
  o << "<div class=\"wide\"><table class=\"sides\"><tr><th>side</th><th>connection</th><th>states</th><th>app saw</th>"
       "<th>detected (measured)</th><th>predicted</th><th>difference</th><th>error seen</th>"
       "<th>error predicted</th><th>alternative</th></tr>";
  for (const Side& s : r.sides) {
    std::string seq, app;
    for (const auto& st : s.states) seq += (seq.empty() ? "" : " > ") + st.state;
    for (const auto& a : s.app) app += (app.empty() ? "" : ", ") + a;
    const Prediction* p = s.predicted ? &*s.predicted : nullptr;
    std::string diff = "", err_pred = p ? (p->error.empty() ? "none" : p->error) : "-";
    if (p && p->detected && s.detected) diff = signed_ms(*s.detected - *p->detected);
    std::string err_seen = s.error.empty() ? "none" : s.error;
    std::string match = p ? (err_pred == err_seen ? " ✓" : " ✗") : "";
    o << "<tr><td><b>" << esc(s.role) << "</b>" << (s.alive ? "" : " (died)") << "</td><td class=\"conn\">" << esc(s.connection)
      << "</td><td>" << esc(seq) << "</td><td>" << esc(app.empty() ? "-" : app) << "</td><td>"
      << esc(opt_ms(s.detected, "-")) << "</td><td>"
      << esc(!p ? "no prediction" : !p->detected ? "never" : ms(*p->detected) + (p->late_max > 0 ? " (up to +" + ms(p->late_max) + ")" : ""))
      << "</td><td>" << esc(diff.empty() ? "-" : diff)
      << "</td><td>" << esc(err_seen) << "</td><td>" << esc(err_pred) << match << "</td><td>"
      << esc(p ? opt_ms(p->alternative, "-") : "-") << "</td></tr>";
  }
  o << "</table></div>";
  for (const Side& s : r.sides)
    if (s.predicted && !s.predicted->reason.empty())
      o << "<p class=\"reason\"><b>model, " << esc(s.role) << ":</b> " << esc(s.predicted->reason)
        << (s.predicted->time_zero.empty() ? "" : " (time zero: " + esc(s.predicted->time_zero) + ")") << "</p>";
  return o.str();
}

std::string failures_list(const Result& r) {
  std::ostringstream o;
  o << "<h4>failures</h4>";
  if (r.failures.empty()) o << "<p>none</p>";
  else {
    o << "<ul class=\"failures\">";
    for (const auto& f : r.failures)
      o << "<li><b>" << esc(f[0]) << " " << esc(f[1]) << "</b>: expected " << esc(f[2]) << ", seen " << esc(f[3])
        << (f[4].empty() ? "" : " <i>(" + esc(f[4]) + ")</i>") << "</li>";
    o << "</ul>";
  }
  return o.str();
}

std::string events_table(const Result& r) {
  std::ostringstream o;
  if (!r.timeline.empty()) {
    o << "<details><summary>timeline (" << r.timeline.size() << " events)</summary><div class=\"wide\"><table class=\"events\">"
      << "<tr><th>t</th><th>side</th><th>kind</th><th>detail</th><th>source</th><th>predicted</th><th>off by</th></tr>";
    for (const Event& e : r.timeline)
      o << "<tr><td>" << esc(ms(e.t)) << "</td><td>" << esc(e.side.empty() ? "-" : e.side) << "</td><td>"
        << esc(e.kind) << "</td><td>" << esc(e.detail) << "</td><td>" << esc(e.source) << "</td><td>"
        << esc(e.predicted ? ms(*e.predicted) : "") << "</td><td>"
        << esc(e.predicted ? signed_ms(e.t - *e.predicted) : "") << "</td></tr>";
    o << "</table></div></details>";
  }
  if (!r.raw_kernel.empty()) {
    o << "<details><summary>raw kernel events (" << r.raw_kernel.size() << ")</summary><pre>";
    for (const auto& l : r.raw_kernel) o << esc(l) << "\n";
    o << "</pre></details>";
  }
  return o.str();
}

}  // namespace

std::string verdict_badge(Verdict v) {
  const std::string name = verdict_name(v);
  return "<span class=\"verdict " + name + "\">" + name + "</span>";
}

std::string run_body(const Result& r) {
  std::ostringstream o;
  o << "<p class=\"meta\">fault: <b>" << esc(r.fault_type.empty() ? "?" : r.fault_type)
    << "</b> " << (r.fault_target == "router" ? "on the" : "of") << " <b>"
    << esc(r.fault_target.empty() ? "?" : r.fault_target) << "</b> · kernel " << esc(r.kernel)
    << " · observer <b>" << esc(r.observer.empty() ? "?" : r.observer) << "</b>"
    << (r.resolution.empty() ? "" : " (" + esc(r.resolution) + ")")
    << (r.duration ? " · case took " + esc(ms(*r.duration)) : "") << "<br><span class=\"file\">" << esc(r.file)
    << "</span></p>";
  if (!r.note.empty()) o << "<p class=\"meta\">observer note: " << esc(r.note) << "</p>";
  if (!r.description.empty()) o << "<p class=\"desc\">" << esc(r.description) << "</p>";
  if (!r.error.empty()) o << "<p class=\"error\">could not run: " << esc(r.error) << "</p>";
  if (!r.sides.empty()) {
    Panels panels = plan_panels(r);
    for (size_t k = 0; k < panels.all.size(); ++k) {
      const Panel& p = panels.all[k];
      o << "<h3>" << (p.name.empty() ? "timeline" : "detail " + p.name) << ": " << esc(ms(p.t0)) << " to "
        << esc(ms(p.t1)) << " relative to the fault</h3>" << draw_panel(r, panels, k);
    }
    o << legend(r) << side_table(r);
  }
  o << failures_list(r) << events_table(r);
  return o.str();
}

}  // namespace crashlab::runner::report
