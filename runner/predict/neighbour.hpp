#pragma once
#include "runner/predict/prediction.hpp"

namespace crashlab::runner {

// How far apart an unresolved neighbour's probes go: neigh_timer_handler() re-arms
// max(retrans_time, HZ/100) ahead (the sysctl held in whole jiffies), and the timer
// wheel runs a timer_list one jiffy after its expiry at the least (calc_index(),
// model/timer_wheel.hpp): re-armed from the callback, probes are that plus a jiffy
// apart; coarser wheel levels add up to their granularity on top (the caller's slack).
double neigh_probe_interval_ms(const PredictionInput& in);
// The delay each probe re-arms the neighbour timer with: max(retrans_time, HZ/100)
// in whole jiffies (without the wheel's jiffy; the model's timer wheel adds it).
double neigh_retrans_delay_ms(const PredictionInput& in);

}  // namespace crashlab::runner
