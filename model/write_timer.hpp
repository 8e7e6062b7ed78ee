#pragma once
// The retransmission timer chain of net/ipv4/tcp_timer.c: tcp_retransmit_timer()
// asks tcp_write_timeout() whether to give up, retransmits the head segment,
// backs the RTO off and re-arms -- for data (ESTABLISHED, orphans) and for SYNs.

#include <cstdint>
#include <functional>
#include <optional>

#include "model/run.hpp"

namespace crashlab::model::detail {

struct WriteTimerSetup {
  int hz = 250;
  int64_t rto_j = 0;                // icsk_rto when the RTO timer is first armed
  int64_t rto_max_j = 0;            // tcp_rto_max(sk)
  int64_t rto_base_j = 0;           // tcp_model_timeout() base: TCP_RTO_MIN, or 1 s in SYN states
  std::optional<int64_t> tlp_j;     // a tail loss probe armed before the RTO
  uint32_t user_timeout_ms = 0;     // icsk_user_timeout, 0 = unset
  bool syn_sent = false;            // SYN_SENT rules of tcp_write_timeout()/tcp_retransmit_timer()
  int syn_retries = 0;              // icsk_syn_retries ? : tcp_syn_retries
  int syn_linear = 0;               // tcp_syn_linear_timeouts
  // retransmits_timed_out()'s boundary for the current icsk_rto (orphans depend on it).
  std::function<int(int64_t rto_j)> boundary;
  const char* kind = "retransmit";
  // NeighbourFailure (tcp_model.hpp) in jiffies: from_j relative to time zero.
  struct Arp {
    int64_t from_j = 0;
    int probes = 3;
    int64_t probe_delay_j = 0;
  };
  std::optional<Arp> arp;
};

Run simulate_write_timer(const WriteTimerSetup&, const TimerWheel&, int64_t j0, int bias);

// Number of events of a given kind in a run.
int count_events(const Run&, const char* kind);

}  // namespace crashlab::model::detail
