#pragma once
#include "runner/predict/prediction.hpp"

namespace crashlab::runner {

// How far apart an unresolved neighbour's probes go: neigh_timer_handler() re-arms
// max(retrans_time, HZ/100) ahead, and the sysctl is held in whole jiffies.
double neigh_probe_interval_ms(const PredictionInput& in);

}  // namespace crashlab::runner
