#include "runner/report/panels.hpp"

#include <algorithm>

namespace crashlab::runner::report {
namespace {

// Every time at which the picture draws something.
std::vector<double> drawn_times(const Result& r) {
  std::vector<double> ts{0};
  for (const Side& s : r.sides) {
    // A band's start before the fault is just where the picture begins: it does not crowd anything.
    for (size_t i = 0; i < s.states.size(); ++i)
      if (i > 0 || s.states[i].t >= 0) ts.push_back(s.states[i].t);
    for (const auto& m : s.marks) ts.push_back(m.t);
    if (s.detected) ts.push_back(*s.detected);
    if (s.predicted && s.predicted->detected) ts.push_back(*s.predicted->detected);
  }
  for (const auto& m : r.global) ts.push_back(m.t);
  if (r.recovered) ts.push_back(*r.recovered);
  std::sort(ts.begin(), ts.end());
  return ts;
}

// Runs of drawn times closer than a few pixels in panel p get their own detail panel.
void add_details(std::vector<Panel>& panels, size_t idx, const std::vector<double>& ts, int depth) {
  constexpr size_t kMaxPanels = 4;
  const Panel p = panels[idx];
  double px_per_ms = (kWidth - kLeft - kRight) / (p.t1 - p.t0);
  struct Run {
    double a, b;
    size_t n;
  };
  std::vector<Run> runs;
  for (double t : ts) {
    if (t < p.t0 || t > p.t1) continue;
    if (!runs.empty() && (t - runs.back().b) * px_per_ms < 8) {
      runs.back().b = t;
      ++runs.back().n;
    } else {
      runs.push_back({t, t, 1});
    }
  }
  std::vector<Run> crowded;
  for (const Run& run : runs)
    if (run.n >= 3 && (run.b - run.a) * px_per_ms < 40 && (run.b - run.a) > 1e-6) crowded.push_back(run);
  // The most crowded runs get the panels left, shown in time order.
  std::sort(crowded.begin(), crowded.end(), [](const Run& a, const Run& b) { return a.n > b.n; });
  crowded.resize(std::min(crowded.size(), kMaxPanels - std::min(kMaxPanels, panels.size())));
  std::sort(crowded.begin(), crowded.end(), [](const Run& a, const Run& b) { return a.a < b.a; });
  std::vector<size_t> added;
  for (const Run& run : crowded) {
    double pad = std::max((run.b - run.a) * 0.12, 0.01);
    panels.push_back({run.a - pad, run.b + pad, std::string(1, char('A' + panels.size() - 1)), int(idx)});
    added.push_back(panels.size() - 1);
  }
  if (depth < 2)
    for (size_t a : added) add_details(panels, a, ts, depth + 1);
}

}  // namespace

Panels plan_panels(const Result& r) {
  std::vector<double> ts = drawn_times(r);
  double lo = ts.front(), hi = ts.back();
  for (const Side& s : r.sides) {
    if (!s.states.empty()) lo = std::min(lo, s.states.front().t);
    for (const auto& m : s.marks) hi = std::max(hi, m.t + m.late_max);
    if (s.predicted && s.predicted->detected) hi = std::max(hi, *s.predicted->detected + s.predicted->late_max);
  }
  double pad = std::max((hi - lo) * 0.03, 0.05);
  Panels panels{{{lo - pad, hi + pad, "", -1}}, hi + pad};
  add_details(panels.all, 0, ts, 0);
  return panels;
}

}  // namespace crashlab::runner::report
