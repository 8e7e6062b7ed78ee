#include "model/established.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/backoff.hpp"
#include "model/format.hpp"
#include "model/kernel_time.hpp"

namespace crashlab::model::detail {

std::optional<int64_t> tail_loss_probe_j(const KernelParams& kp, const FlightParams& f, int64_t rto_j) {
  // Only with tcp_early_retrans 3 or 4, SACK, and something in flight.
  const bool enabled = kp.tcp_early_retrans == 3 || kp.tcp_early_retrans == 4;
  if (!enabled || !f.sack || f.packets_out < 1) return std::nullopt;
  int64_t pto_j = tcp_timeout_init_j(kp.hz);  // no RTT sample: TCP_TIMEOUT_INIT
  if (f.srtt_us && *f.srtt_us > 0) {
    // 2*srtt, plus rto_min for a lone segment (the peer may be delaying its
    // ACK) or TCP_TIMEOUT_MIN_US (2 ms) otherwise.
    const int64_t extra_us =
        f.packets_out == 1 ? jiffies_to_usecs(socket_rto_min_j(kp), kp.hz) : int64_t{2000};
    pto_j = usecs_to_jiffies(2 * *f.srtt_us + extra_us, kp.hz);
  }
  // "If the RTO formula yields an earlier time, then use that time."
  return std::min(pto_j, rto_j);
}

WriteTimerSetup established_setup(const KernelParams& kp, const SocketParams& sp, const FlightParams& f) {
  check_hz(kp.hz);
  if (f.rto_us <= 0) throw std::invalid_argument("rto_us must be positive");
  WriteTimerSetup s;
  s.hz = kp.hz;
  s.rto_max_j = socket_rto_max_j(kp, sp);
  s.rto_j = std::min(usecs_to_jiffies(f.rto_us, kp.hz), s.rto_max_j);
  s.rto_base_j = tcp_rto_min_const_j(kp.hz);  // TCP_RTO_MIN, whatever tcp_rto_min_us says
  s.tlp_j = tail_loss_probe_j(kp, f, s.rto_j);
  s.user_timeout_ms = sp.user_timeout_ms.value_or(0);
  return s;
}

std::string tlp_sentence(const Run& run, int hz) {
  if (count_events(run, "tail_loss_probe") == 0) return "";
  return "A tail loss probe at " + secs_j(run.events.front().at_j, hz) +
         " re-arms a full RTO (tcp_send_loss_probe, tcp_rearm_rto). ";
}

std::string user_timeout_sentence(const Run& run, uint32_t ut_ms, const std::string& error, int hz) {
  return "TCP_USER_TIMEOUT=" + std::to_string(ut_ms) +
         " ms replaces the retry budget (retransmits_timed_out), counted from retrans_stamp = the first RTO "
         "retransmission at " + secs_j(run.stamp_j, hz) +
         "; tcp_clamp_rto_to_user_timeout() arms the timer for the deadline, so the firing at " +
         secs_j(run.give_up_j, hz) + " sees " + secs(run.elapsed_us) + " elapsed -> " + error + " after " +
         std::to_string(count_events(run, "retransmit")) + " retransmissions.";
}

std::string ideal_timer_sentence(const Run& majority, const Run& nominal, int hz) {
  if (majority.events.size() == nominal.events.size()) return "";
  return " With ideal timers the same rule would give up at " + secs_j(nominal.give_up_j, hz) +
         ": timer-wheel lateness moves the elapsed time across the deadline.";
}

}  // namespace crashlab::model::detail
