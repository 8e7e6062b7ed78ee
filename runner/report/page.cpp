#include "runner/report/page.hpp"

#include <set>
#include <sstream>

#include "runner/report/format.hpp"
#include "runner/report/kinds.hpp"
#include "runner/report/panels.hpp"
#include "runner/report/svg.hpp"

namespace crashlab::runner::report {
namespace {

std::string verdict_badge(const std::string& verdict) {
  return "<span class=\"verdict " + esc(verdict) + "\">" + esc(verdict) + "</span>";
}

std::string legend(const Result& r) {
  std::ostringstream o;
  std::set<std::string> states, kinds;
  bool pred = false, detect = false, pdetect = false;
  for (const Side& s : r.sides) {
    for (const auto& st : s.states) states.insert(st.state);
    for (const auto& m : s.marks) {
      kinds.insert(m.kind);
      pred = pred || m.predicted;
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
  o << "<span>ticks above the band: observed</span></div>";
  return o.str();
}

std::string side_table(const Result& r) {
  std::ostringstream o;
  o << "<table class=\"sides\"><tr><th>side</th><th>connection</th><th>states</th><th>app saw</th>"
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
  o << "</table>";
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
        << "</li>";
    o << "</ul>";
  }
  return o.str();
}

std::string events_table(const Result& r) {
  std::ostringstream o;
  if (!r.timeline.empty()) {
    o << "<details><summary>timeline (" << r.timeline.size() << " events)</summary><table class=\"events\">"
      << "<tr><th>t</th><th>side</th><th>kind</th><th>detail</th><th>source</th><th>predicted</th><th>off by</th></tr>";
    for (const Event& e : r.timeline)
      o << "<tr><td>" << esc(ms(e.t)) << "</td><td>" << esc(e.side.empty() ? "-" : e.side) << "</td><td>"
        << esc(e.kind) << "</td><td>" << esc(e.detail) << "</td><td>" << esc(e.source) << "</td><td>"
        << esc(e.predicted ? ms(*e.predicted) : "") << "</td><td>"
        << esc(e.predicted ? signed_ms(e.t - *e.predicted) : "") << "</td></tr>";
    o << "</table></details>";
  }
  if (!r.raw_kernel.empty()) {
    o << "<details><summary>raw kernel events (" << r.raw_kernel.size() << ")</summary><pre>";
    for (const auto& l : r.raw_kernel) o << esc(l) << "\n";
    o << "</pre></details>";
  }
  return o.str();
}

std::string section(const Result& r, size_t i) {
  std::ostringstream o;
  o << "<section id=\"r" << i << "\"><h2>" << esc(r.name) << " " << verdict_badge(r.verdict)
    << "</h2><p class=\"meta\">fault: <b>" << esc(r.fault_type.empty() ? "?" : r.fault_type)
    << "</b> of <b>" << esc(r.fault_target.empty() ? "?" : r.fault_target) << "</b> · kernel " << esc(r.kernel)
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
  o << failures_list(r) << events_table(r) << "</section>";
  return o.str();
}

std::string index_table(const std::vector<Result>& rs) {
  std::ostringstream o;
  o << "<table class=\"index\"><tr><th>case</th><th>verdict</th><th>fault</th><th>detected</th><th>file</th></tr>";
  for (size_t i = 0; i < rs.size(); ++i) {
    std::string det;
    for (const Side& s : rs[i].sides)
      if (s.detected) det += (det.empty() ? "" : ", ") + s.role + " " + error_and_ms(s.error, *s.detected);
    o << "<tr><td><a href=\"#r" << i << "\">" << esc(rs[i].name) << "</a></td><td>" << verdict_badge(rs[i].verdict)
      << "</td><td>" << esc(rs[i].fault_text()) << "</td><td>" << esc(det.empty() ? "-" : det)
      << "</td><td class=\"file\">" << esc(rs[i].file) << "</td></tr>";
  }
  o << "</table>";
  return o.str();
}

constexpr const char* kStyle = R"(
body{font-family:sans-serif;font-size:14px;color:#222;max-width:1340px;margin:16px auto;padding:0 10px}
h1{font-size:22px}h2{font-size:18px;margin:0 0 4px}h3{font-size:13px;color:#555;margin:12px 0 2px;font-weight:normal}
h4{font-size:13px;margin:10px 0 2px}
section{border-top:2px solid #ccc;padding-top:12px;margin-top:24px}
.verdict{font-size:13px;padding:2px 8px;border-radius:4px;color:#fff;background:#888;vertical-align:middle}
.verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}.verdict.error{background:#ef6c00}
.meta{color:#444;margin:2px 0}.file{color:#888;font-size:12px}.desc{max-width:1100px;color:#333}
.error{color:#b71c1c;font-weight:bold}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 7px;font-size:13px;text-align:left}td.conn{white-space:nowrap}
th{background:#f0f0f0}.reason{font-size:12px;color:#444;max-width:1100px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;margin:6px 0}
.swatch{display:inline-block;width:14px;height:10px;margin-right:4px;border:1px solid #999;vertical-align:middle}
.swatch.tick{width:3px;border:none;height:12px}.swatch.fault{width:3px;border:none;height:12px;background:#e53935}
svg .lane-name{font-weight:bold;font-size:13px}svg .lane-sub{fill:#777}
svg .band-label{fill:#222}svg .tick-label{fill:#333}svg .pred{fill:#666;font-style:italic}
svg .detect-label{font-weight:bold}svg .fault-label{fill:#c62828;font-weight:bold}svg .axis-label{fill:#444}
svg .detect-mark{fill:#000}svg .pred-detect-mark{fill:#fff;stroke:#000;stroke-width:1.5}
svg .detail-label{fill:#3949ab}svg .recovery-label{fill:#2e7d32;font-weight:bold}
pre{font-size:12px;background:#f7f7f7;padding:6px;overflow:auto}
)";

}  // namespace

std::string page_html(const std::vector<Result>& results) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>crashlab report</title><style>"
    << kStyle << "</style></head><body><h1>crashlab report</h1><p>" << results.size()
    << " result(s). Times are in ms relative to the fault (t = 0). Hover a mark for its details.</p>"
    << index_table(results);
  for (size_t i = 0; i < results.size(); ++i) o << section(results[i], i);
  o << "</body></html>\n";
  return o.str();
}

}  // namespace crashlab::runner::report
