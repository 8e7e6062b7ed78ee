#pragma once
// Which time windows a result's timeline is drawn in: the whole of it, then a
// detail panel for each run of marks too close together to tell apart.
#include <string>
#include <vector>

#include "runner/report/result.hpp"

namespace crashlab::runner::report {

// The picture's width in its own pixels (the page scales it to the window) and its
// margins; times map onto the space between. kFont: the labels' font size.
constexpr double kWidth = 920, kLeft = 104, kRight = 24, kFont = 12;

struct Panel {
  double t0, t1;     // the window, ms
  std::string name;  // "" for the whole window, "A", "B"... for details
  int parent = -1;   // the panel that marks where this detail is

  double x(double t) const { return kLeft + (t - t0) / (t1 - t0) * (kWidth - kLeft - kRight); }
  bool in(double t) const { return t >= t0 && t <= t1; }
};

struct Panels {
  std::vector<Panel> all;  // the whole window first
  double t_end;            // where the last state band of a side ends
};

// r has at least one side.
Panels plan_panels(const Result& r);

}  // namespace crashlab::runner::report
