#include "runner/predict/neighbour.hpp"

#include <algorithm>
#include <cmath>

namespace crashlab::runner {

double neigh_retrans_delay_ms(const PredictionInput& in) {
  const int hz = in.kernel.hz;
  const auto j = std::max<int64_t>(int64_t(std::ceil(in.arp_retrans_ms * hz / 1000)), hz / 100);
  return double(j) * 1000 / hz;
}

double neigh_probe_interval_ms(const PredictionInput& in) { return neigh_retrans_delay_ms(in) + 1000.0 / in.kernel.hz; }

}  // namespace crashlab::runner
