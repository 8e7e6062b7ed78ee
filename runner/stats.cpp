#include "runner/stats.hpp"

#include <algorithm>
#include <cmath>

namespace crashlab::runner {

std::optional<Spread> spread(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  Spread s;
  s.n = v.size();
  s.min = v.front();
  s.max = v.back();
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= double(v.size());
  double sq = 0;
  for (double x : v) sq += (x - mean) * (x - mean);
  s.stddev = std::sqrt(sq / double(v.size()));
  return s;
}

}  // namespace crashlab::runner
