#pragma once
// crashlab's model of the Linux TCP timers (kernel 6.15+ / 6.18): given a
// connection's effective settings, predict what the kernel does after the peer
// silently disappears -- each retransmission / probe, the moment the kernel
// gives up, and the errno the application sees.
//
// Pure code: no privileges, no I/O. Every rule cites the kernel function it is
// taken from; docs/model.md explains them one by one.
//
// Timer wheel: TCP timers are timer_list timers, and the timer wheel
// (kernel/time/timer.c, calc_index()) fires them late by up to 1/8 of their
// delay. That lateness is deterministic once the absolute jiffy phase is known
// and accumulates along a chain of re-armed timers, so it can move the
// retransmission give-up by a whole RTO (tcp_retries2 is compared against
// elapsed time). The model therefore simulates the wheel for every jiffy phase
// and reports the earliest time of the majority outcome plus its spread.
// Set KernelParams::model_timer_wheel = false for ideal arithmetic (timers fire
// exactly at expiry), which is what the kernel documentation quotes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crashlab::model {

struct KernelParams {  // per-namespace sysctls as read back, kernel defaults here
  int hz = 250;
  int tcp_retries1 = 3, tcp_retries2 = 15, tcp_syn_retries = 6, tcp_syn_linear_timeouts = 4;  // set linear to 0 for kernels without it
  int tcp_keepalive_time_s = 7200, tcp_keepalive_intvl_s = 75, tcp_keepalive_probes = 9;
  int64_t tcp_rto_min_us = 200000, tcp_rto_max_ms = 120000;
  int tcp_orphan_retries = 0, tcp_fin_timeout_s = 60;
  // Extensions beyond the original brief (defaults keep the brief's behaviour):
  int tcp_early_retrans = 3;       // 3 or 4 enables the tail loss probe (tcp_schedule_loss_probe)
  bool model_timer_wheel = true;   // false: ideal timers that fire exactly at expiry
};

struct SocketParams {  // per-socket options, unset = kernel default
  bool keepalive = false;
  std::optional<int> keepidle_s, keepintvl_s, keepcnt, syncnt;
  std::optional<uint32_t> user_timeout_ms;
  std::optional<int> rto_max_ms;  // TCP_RTO_MAX_MS
  // Extension: sk_err_soft left by an earlier ICMP error (e.g. "EHOSTUNREACH"
  // after failed ARP). tcp_write_err() reports it instead of ETIMEDOUT.
  std::string soft_error;
};

struct Firing {  // kind: "retransmit", "tail_loss_probe", "keepalive_probe", "syn_retransmit"
  int64_t at_us;
  std::string kind;
  int n;
  int64_t late_max_us = 0;  // extension: the timer-wheel phase can put it up to this much later
};

// A second outcome the timer wheel's phase gives (the absolute jiffy of time zero,
// which nothing outside the kernel sees): the kernel does this in `phases` of
// `total_phases` phases, the majority outcome in the rest.
struct PhaseOutcome {
  std::vector<Firing> schedule;
  int64_t give_up_us = -1;
  int64_t give_up_late_max_us = 0;
  std::string error;
  int64_t phases = 0, total_phases = 0;
};

struct Prediction {
  std::vector<Firing> schedule;  // times relative to the model's time zero (documented per function)
  int64_t give_up_us = -1;       // -1: never (e.g. idle without keepalive)
  std::string error;             // "ETIMEDOUT" (or the soft error); "" when nothing reports an error
  std::optional<int64_t> alternative_give_up_us;  // step function: the neighbouring outcome
  std::string reason;            // which rule decided
  // Extensions:
  int64_t give_up_late_max_us = 0;  // give-up lies in [give_up_us, give_up_us + this] over wheel phases
  int64_t nominal_give_up_us = -1;  // ideal arithmetic: timers fire exactly at expiry
  std::optional<PhaseOutcome> other_phase;  // set when alternative_give_up_us is a phase's real outcome
};

// What tcp_info reports about the data in flight (extension of the RTO-only form).
struct FlightParams {
  int64_t rto_us = 0;                 // tcpi_rto when the data was sent
  std::optional<int64_t> srtt_us;     // tcpi_rtt; unset = no RTT sample yet
  int packets_out = 1;                // tcpi_unacked right after the send
  bool sack = false;                  // TCPI_OPT_SACK; the tail loss probe needs SACK
};

// Data in flight, peer silent. Time zero = when the unacknowledged segment was
// first sent. initial_rto_us = the connection's RTO when the data was sent
// (tcpi_rto). This form assumes no tail loss probe (as on a non-SACK
// connection); use the FlightParams overload for SACK connections.
Prediction predict_data_retransmission(const KernelParams&, const SocketParams&, int64_t initial_rto_us);
Prediction predict_data_retransmission(const KernelParams&, const SocketParams&, const FlightParams&);

// Extension: the survivor's neighbour (ARP) entry for the silent peer is FAILED
// from `from_us` on (net/core/neighbour.c). A retransmission sent then does not
// leave the host: it waits in a fresh INCOMPLETE entry while `probes`
// (mcast_solicit) broadcast probes go out, each re-arming the neighbour timer
// `probe_delay_us` (max(retrans_time, HZ/100)) ahead; at the last timer the entry
// fails and the queued segment becomes an ICMP host-unreachable. tcp_v4_err()
// leaves sk_err_soft = EHOSTUNREACH (the give-up reports it) and
// tcp_ld_RTO_revert() (RFC 6069) takes one step of backoff back and re-arms the
// timer for the segment's send time + the reverted RTO, without
// tcp_clamp_rto_to_user_timeout(). A firing while the segment still waits sends
// nothing (__tcp_retransmit_skb(): -EBUSY) but backs off all the same.
struct NeighbourFailure {
  int64_t from_us = 0;  // model time: every retransmission at or after it waits for ARP
  int probes = 3;
  int64_t probe_delay_us = 1000000;
};
Prediction predict_data_retransmission(const KernelParams&, const SocketParams&, const FlightParams&,
                                       const NeighbourFailure&);

// Idle connection, peer silent. Time zero = the last segment received from the peer.
Prediction predict_keepalive(const KernelParams&, const SocketParams&);

// The peer's receive window is closed (nothing in flight, data waiting) and the peer
// goes silent: zero-window probes until tcp_retries2 go unanswered. Time zero = the
// last ACK received, which re-armed the probe timer (tcp_ack_probe()).
struct ProbeParams {
  int64_t rto_us = 200000;  // tcpi_rto
  int backoff = 0;          // tcpi_backoff at the fault: the probes so far doubled it
};
Prediction predict_zero_window(const KernelParams&, const SocketParams&, const ProbeParams&);
// tcp_probe0_when(): the probe timer's interval, in jiffies, at pp.backoff.
int64_t zero_window_probe_interval_j(const KernelParams&, const SocketParams&, const ProbeParams&);

// connect() to a silent address. Time zero = connect().
Prediction predict_syn(const KernelParams&, const SocketParams&);

// Orphaned socket (close() with data or FIN unacknowledged), peer silent.
// Time zero = when the oldest unacknowledged segment was sent. No process can
// see the error; the socket just disappears (ss, inet_sock_set_state).
Prediction predict_orphan_retransmission(const KernelParams&, const SocketParams&, const FlightParams&);

// Orphaned socket whose FIN was acknowledged (FIN_WAIT2), peer silent.
// Time zero = entering FIN_WAIT2 after close(). rto_us = tcpi_rto.
Prediction predict_orphan_fin_wait2(const KernelParams&, int64_t rto_us);

// The kernel documentation's "hypothetical timeout" for tcp_retries2 = n with RTO_MIN/RTO_MAX.
double hypothetical_retries2_timeout_s(int retries2, int64_t rto_min_us = 200000, int64_t rto_max_us = 120000000);

// Worst-case lateness the timer wheel adds to one timer armed delay_us ahead.
int64_t timer_wheel_slack_us(int hz, int64_t delay_us);

}  // namespace crashlab::model
