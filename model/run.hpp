#pragma once
// One simulated timeline of a TCP timer chain, in jiffies relative to the
// model's time zero, and the decision that ended it.

#include <cstdint>
#include <functional>
#include <vector>

#include "model/timer_wheel.hpp"

namespace crashlab::model::detail {

struct Event {
  int64_t at_j;
  const char* kind;  // "retransmit", "tail_loss_probe", "keepalive_probe", "syn_retransmit"
  int n;
};

enum class Verdict {
  never,    // the chain never gives up
  count,    // a retransmission / probe count reached its limit
  elapsed,  // an elapsed time reached its deadline
};

struct Run {
  std::vector<Event> events;          // what was sent, in order
  std::vector<int64_t> arm_delays_j;  // every timer armed, for the wheel's period
  int64_t give_up_j = -1;             // -1: never
  Verdict verdict = Verdict::never;
  bool by_user_timeout = false;       // the elapsed deadline was TCP_USER_TIMEOUT
  int64_t elapsed_us = -1;            // elapsed time compared at the give-up firing
  int64_t limit_us = -1;              // the deadline it was compared against
  int64_t prev_fire_j = -1;           // the last firing that survived its check
  int64_t prev_elapsed_us = -1;       // ... and the elapsed time it compared
  int64_t stamp_j = -1;               // retrans_stamp, where it applies
  // A failed neighbour entry (NeighbourFailure): what its ICMPs did before the give-up.
  const char* soft_error = nullptr;   // sk_err_soft an ICMP left (tcp_write_err() reports it)
  int reverts = 0;                    // tcp_ld_RTO_revert() re-arms
  int64_t first_icmp_j = -1;          // the first ICMP host-unreachable
  int64_t revert_rto_j = -1;          // the RTO the last revert left
};

// Simulates one jiffy phase: j0 is the absolute jiffy of time zero. bias
// shifts every elapsed-time deadline by the step-function margin (-1: a margin
// earlier, +1: a margin later, 0: exact) to find the neighbouring outcome.
using Simulator = std::function<Run(const TimerWheel&, int64_t j0, int bias)>;

// Step-function margin around a deadline: one tick or 2 %, whichever is larger.
int64_t step_margin(int64_t deadline, int64_t one_tick);

}  // namespace crashlab::model::detail
