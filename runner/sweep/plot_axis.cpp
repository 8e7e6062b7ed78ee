#include "runner/sweep/plot_axis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace crashlab::runner::sweep {

namespace {
constexpr double kLogAbove = 30;  // max/min beyond this: logarithmic
constexpr double kSteps[] = {1, 2, 5};

// The smallest 1-2-5 value >= v (v > 0).
double nice_at_least(double v) {
  const double decade = std::pow(10, std::floor(std::log10(v)));
  for (double s : kSteps)
    if (s * decade >= v * (1 - 1e-9)) return s * decade;
  return 10 * decade;
}

// The largest 1-2-5 value <= v (v > 0).
double nice_at_most(double v) {
  const double decade = std::pow(10, std::floor(std::log10(v)));
  double best = decade;
  for (double s : kSteps)
    if (s * decade <= v * (1 + 1e-9)) best = s * decade;
  return best;
}
}  // namespace

double YAxis::fraction(double ms) const {
  if (!log) return (ms - lo) / (hi - lo);
  return (std::log10(std::max(ms, lo / 10)) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
}

YAxis y_axis_for(double min_ms, double max_ms) {
  YAxis a;
  max_ms = std::max(max_ms, 1.0);
  if (min_ms > 0 && max_ms / min_ms > kLogAbove) {
    a.log = true;
    a.lo = nice_at_most(min_ms);
    a.hi = nice_at_least(max_ms);
    for (double decade = std::pow(10, std::floor(std::log10(a.lo))); decade <= a.hi; decade *= 10)
      for (double s : kSteps)
        if (s * decade >= a.lo * (1 - 1e-9) && s * decade <= a.hi * (1 + 1e-9)) a.ticks.push_back(s * decade);
    if (a.ticks.size() > 12)  // many decades: the decades only
      std::erase_if(a.ticks, [](double t) { return std::fabs(std::log10(t) - std::round(std::log10(t))) > 1e-9; });
    return a;
  }
  const double step = nice_at_least(max_ms / 5);
  a.hi = std::ceil(max_ms / step * (1 + 1e-9)) * step;
  for (int i = 0; double(i) * step <= a.hi * (1 + 1e-9); ++i) a.ticks.push_back(double(i) * step);
  return a;
}

std::string tick_label(double ms) {
  char b[32];
  if (ms == 0) return "0 s";
  if (ms < 1000) std::snprintf(b, sizeof b, "%g ms", ms);
  else std::snprintf(b, sizeof b, "%g s", ms / 1000);
  return b;
}

}  // namespace crashlab::runner::sweep
