#pragma once
// The y axis a sweep's plots share: detection times in ms, from 0 on a linear scale,
// or on a logarithmic one where they span more than 30x (tcp_retries2 1..8 goes
// from 1.7 s to 107 s: linear, the short ones would sit in one pixel row); ticks on
// 1-2-5 steps so they read as round numbers. Pure.
#include <string>
#include <vector>

namespace crashlab::runner::sweep {

struct YAxis {
  bool log = false;
  double lo = 0, hi = 1;      // ms at the bottom and at the top
  std::vector<double> ticks;  // ms, ascending
  // 0 at the bottom, 1 at the top; values beyond the range go beyond [0, 1].
  double fraction(double ms) const;
};

// min_ms: the smallest positive value to show; max_ms: the largest.
YAxis y_axis_for(double min_ms, double max_ms);

// "0 s", "500 ms", "2 s", "1.5 s", "120 s".
std::string tick_label(double ms);

}  // namespace crashlab::runner::sweep
