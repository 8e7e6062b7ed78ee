#pragma once
#include <optional>
#include <vector>

namespace crashlab::runner {

// Min / median / max / population standard deviation of some measurements.
struct Spread {
  size_t n = 0;
  double min = 0, median = 0, max = 0, stddev = 0;
};
// nullopt for no values. Pure.
std::optional<Spread> spread(std::vector<double> values);

}  // namespace crashlab::runner
