#include "runner/report/page.hpp"

#include <sstream>

#include "runner/report/format.hpp"
#include "runner/report/groups.hpp"
#include "runner/report/section.hpp"

namespace crashlab::runner::report {
namespace {

std::string tally_text(const Tally& t) {
  return std::to_string(t.passed) + " passed, " + std::to_string(t.failed) + " failed, " +
         (t.distorted ? std::to_string(t.distorted) + " distorted, " : "") + std::to_string(t.errors) +
         (t.errors == 1 ? " error" : " errors");
}

// "host-crash/send --set server.sysctl.x=5", as a user would type it again.
std::string group_title(const Group& g) {
  std::string t = g.name;
  for (const auto& s : g.set) t += " --set " + s;
  return t;
}

std::string run_link(const std::vector<Result>& rs, const Group& g, size_t i) {
  std::string text = group_title(g);
  if (g.runs.size() > 1)
    for (size_t k = 0; k < g.runs.size(); ++k)
      if (g.runs[k] == i) text += " (run " + std::to_string(k + 1) + ")";
  return "<a href=\"#r" + std::to_string(i) + "\">" + esc(text) + "</a> " + verdict_badge(rs[i].verdict);
}

// The tally, then every run that did not pass, before anything else.
std::string tally_block(const std::vector<Result>& rs, const std::vector<Group>& groups) {
  Tally t = tally(rs);
  std::ostringstream o;
  o << "<p class=\"tally\"><span class=\"count pass\">" << t.passed << " passed</span> <span class=\"count fail\">"
    << t.failed << " failed</span> "
    << (t.distorted ? "<span class=\"count distorted\">" + std::to_string(t.distorted) + " distorted</span> " : "")
    << "<span class=\"count error\">" << t.errors << (t.errors == 1 ? " error" : " errors")
    << "</span> of " << t.total() << " run" << (t.total() == 1 ? "" : "s") << " (" << groups.size() << " case"
    << (groups.size() == 1 ? "" : "s") << ")</p>";
  std::string bad;
  for (const Group& g : groups)
    for (size_t i : g.runs)
      if (rs[i].verdict != Verdict::Pass) bad += "<li>" + run_link(rs, g, i) + "</li>";
  if (!bad.empty()) o << "<ul class=\"not-passed\">" << bad << "</ul>";
  return o.str();
}

// "server ETIMEDOUT 2x: 6697.8 ms to 6821.5 ms, median 6759.6 ms" per surviving side.
std::string spread_text(const std::vector<Result>& rs, const Group& g) {
  std::string out;
  for (const SideSpread& s : side_spreads(rs, g)) {
    std::string seen;
    for (const auto& [e, n] : s.errors) seen += (seen.empty() ? "" : ", ") + e + " " + std::to_string(n) + "x";
    std::string line = s.role + ": " + seen;
    if (!s.detected) line += ", never detected";
    else if (s.detected->n == 1) line += ", detected at " + ms(s.detected->min);
    else
      line += ", detected " + std::to_string(s.detected->n) + "x: " + ms(s.detected->min) + " to " +
              ms(s.detected->max) + ", median " + ms(s.detected->median);
    out += (out.empty() ? "" : "; ") + line;
  }
  return out.empty() ? "-" : out;
}

std::string index_table(const std::vector<Result>& rs, const std::vector<Group>& groups) {
  std::ostringstream o;
  o << "<div class=\"wide\"><table class=\"index\"><tr><th>case</th><th>runs</th><th>fault</th><th>detected</th></tr>";
  for (size_t k = 0; k < groups.size(); ++k) {
    const Group& g = groups[k];
    const Result& first = rs[g.runs.front()];
    o << "<tr><td><a href=\"#g" << k << "\">" << esc(group_title(g)) << "</a></td><td>"
      << (g.runs.size() == 1 ? verdict_badge(first.verdict) : esc(tally_text(tally(rs, g.runs)))) << "</td><td>"
      << esc(first.fault_text()) << "</td><td>" << esc(spread_text(rs, g)) << "</td></tr>";
  }
  o << "</table></div>";
  return o.str();
}

// A case run once is shown whole; repeats get their spread, then each run folded
// (open when it did not pass).
std::string group_section(const std::vector<Result>& rs, const Group& g, size_t k) {
  std::ostringstream o;
  o << "<section id=\"g" << k << "\">";
  if (g.runs.size() == 1) {
    size_t i = g.runs.front();
    o << "<h2 id=\"r" << i << "\">" << esc(group_title(g)) << " " << verdict_badge(rs[i].verdict) << "</h2>"
      << run_body(rs[i]);
  } else {
    o << "<h2>" << esc(group_title(g)) << " <span class=\"runs\">" << g.runs.size() << " runs: "
      << esc(tally_text(tally(rs, g.runs))) << "</span></h2><p class=\"spread\">" << esc(spread_text(rs, g)) << "</p>";
    for (size_t n = 0; n < g.runs.size(); ++n) {
      const Result& r = rs[g.runs[n]];
      std::string det;
      for (const Side& s : r.sides)
        if (s.detected) det += " · " + s.role + " " + error_and_ms(s.error, *s.detected);
      o << "<details class=\"run\" id=\"r" << g.runs[n] << "\"" << (r.verdict == Verdict::Pass ? "" : " open")
        << "><summary>run " << n + 1 << " " << verdict_badge(r.verdict) << esc(det) << " <span class=\"file\">"
        << esc(r.file) << "</span></summary>" << run_body(r) << "</details>";
    }
  }
  o << "</section>";
  return o.str();
}

constexpr const char* kStyle = R"(
body{font-family:sans-serif;font-size:14px;color:#222;max-width:1340px;margin:16px auto;padding:0 10px}
h1{font-size:22px}h2{font-size:18px;margin:0 0 4px}h3{font-size:13px;color:#555;margin:12px 0 2px;font-weight:normal}
h4{font-size:13px;margin:10px 0 2px}
section{border-top:2px solid #ccc;padding-top:12px;margin-top:24px}
.verdict{font-size:13px;padding:2px 8px;border-radius:4px;color:#fff;background:#888;vertical-align:middle}
.verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}.verdict.error{background:#ef6c00}.verdict.distorted{background:#6d4c41}
.tally{font-size:16px}.count{font-weight:bold;margin-right:8px}.count.pass{color:#2e7d32}.count.fail{color:#c62828}
.count.error{color:#ef6c00}.count.distorted{color:#6d4c41}.runs{font-size:14px;font-weight:normal;color:#444}.spread{margin:2px 0 8px}
details.run{border-left:3px solid #ddd;padding-left:8px;margin:6px 0}details.run>summary{cursor:pointer;padding:3px 0}
.meta{color:#444;margin:2px 0}.file{color:#888;font-size:12px}.desc{max-width:1100px;color:#333}
.error{color:#b71c1c;font-weight:bold}.wide{overflow-x:auto}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 7px;font-size:13px;text-align:left}td.conn{white-space:nowrap}
th{background:#f0f0f0}.reason{font-size:12px;color:#444;max-width:1100px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;margin:6px 0}
.swatch{display:inline-block;width:14px;height:10px;margin-right:4px;border:1px solid #999;vertical-align:middle}
.swatch.tick{width:3px;border:none;height:12px}.swatch.fault{width:3px;border:none;height:12px;background:#e53935}
svg.timeline{display:block;width:100%;height:auto;max-width:1200px}
svg .lane-name{font-weight:bold;font-size:13px}svg .lane-sub{fill:#777}
svg .band-label{fill:#222}svg .tick-label{fill:#333}svg .pred{fill:#666;font-style:italic}
svg .detect-label{font-weight:bold}svg .fault-label{fill:#c62828;font-weight:bold}svg .axis-label{fill:#444}
svg .detect-mark{fill:#000}svg .pred-detect-mark{fill:#fff;stroke:#000;stroke-width:1.5}
svg .detail-label{fill:#3949ab}svg .recovery-label{fill:#2e7d32;font-weight:bold}
pre{font-size:12px;background:#f7f7f7;padding:6px;overflow:auto}
)";

}  // namespace

std::string page_html(const std::vector<Result>& results) {
  const std::vector<Group> groups = group_runs(results);
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>crashlab report</title><style>"
    << kStyle << "</style></head><body><h1>crashlab report</h1>" << tally_block(results, groups)
    << "<p>Repeats of a case (same case, same <code>--set</code>) are shown together. Times are in ms relative to "
       "the fault (t = 0). Hover a mark for its details.</p>"
    << index_table(results, groups);
  for (size_t k = 0; k < groups.size(); ++k) o << group_section(results, groups[k], k);
  o << "</body></html>\n";
  return o.str();
}

}  // namespace crashlab::runner::report
