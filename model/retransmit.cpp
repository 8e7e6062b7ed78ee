// predict_data_retransmission(): an established socket with unacknowledged
// data whose peer went silent (tcp_retransmit_timer / tcp_write_timeout).

#include <stdexcept>

#include "model/established.hpp"
#include "model/format.hpp"
#include "model/kernel_time.hpp"
#include "model/sweep.hpp"
#include "model/tcp_model.hpp"

namespace crashlab::model {

namespace {

using detail::Run;

std::string retries2_sentence(const Run& run, int retries2, int64_t rto_us, const std::string& error, int hz) {
  using detail::secs;
  using detail::secs_j;
  std::string s = "tcp_retries2=" + std::to_string(retries2) + " -> tcp_model_timeout() deadline " +
                  secs(run.limit_us) + " from retrans_stamp = the first RTO retransmission at " +
                  secs_j(run.stamp_j, hz) + " (built on TCP_RTO_MIN, not on the real RTO of " + secs(rto_us) +
                  "); ";
  if (run.prev_fire_j >= 0)
    s += "the firing at " + secs_j(run.prev_fire_j, hz) + " has " + secs(run.prev_elapsed_us) +
         " elapsed and retransmits again, ";
  return s + "the firing at " + secs_j(run.give_up_j, hz) + " has " + secs(run.elapsed_us) + " -> " + error +
         " after " + std::to_string(detail::count_events(run, "retransmit")) + " retransmissions.";
}

std::string neighbour_sentence(const Run& run, int hz) {
  using detail::secs_j;
  if (run.first_icmp_j < 0) return "";
  std::string s = " The neighbour entry has failed: a retransmission waits for broadcast ARP, whose failure at " +
                  secs_j(run.first_icmp_j, hz) + " sends ICMP host-unreachable (sk_err_soft = EHOSTUNREACH)";
  if (run.reverts == 0) return s + ".";
  return s + "; tcp_ld_RTO_revert() (RFC 6069) takes back one step of backoff " + std::to_string(run.reverts) +
         " time(s), so the RTO stays at " + secs_j(run.revert_rto_j, hz) +
         ", and re-arms the timer without the user timeout's clamp.";
}

Prediction predict(const KernelParams& kp, const SocketParams& sp, const FlightParams& f,
                   const std::optional<detail::WriteTimerSetup::Arp>& arp) {
  detail::WriteTimerSetup setup = detail::established_setup(kp, sp, f);
  setup.boundary = [r = kp.tcp_retries2](int64_t) { return r; };
  setup.arp = arp;
  const std::string error = detail::error_name(sp.soft_error);
  const int hz = kp.hz;

  auto sim = [setup](const detail::TimerWheel& w, int64_t j0, int bias) {
    return detail::simulate_write_timer(setup, w, j0, bias);
  };
  auto explain = [&](const Run& run, const Run& nominal) {
    const std::string err = run.soft_error ? run.soft_error : error;
    std::string s = detail::tlp_sentence(run, hz);
    if (run.by_user_timeout) return s + detail::user_timeout_sentence(run, setup.user_timeout_ms, err, hz) + neighbour_sentence(run, hz);
    return s + retries2_sentence(run, kp.tcp_retries2, f.rto_us, err, hz) + neighbour_sentence(run, hz) +
           detail::ideal_timer_sentence(run, nominal, hz);
  };
  // The real RTO can differ from the one measured, so an elapsed time that
  // just clears the retries2 deadline may fall short: report that neighbour
  // too. A user-timeout deadline is hit by a clamped timer and cannot.
  detail::AlternativePolicy policy;
  policy.later = setup.user_timeout_ms == 0;
  return detail::assemble(sim, hz, kp.model_timer_wheel, policy, explain, error);
}

}  // namespace

Prediction predict_data_retransmission(const KernelParams& kp, const SocketParams& sp, int64_t initial_rto_us) {
  FlightParams flight;
  flight.rto_us = initial_rto_us;
  return predict_data_retransmission(kp, sp, flight);
}

Prediction predict_data_retransmission(const KernelParams& kp, const SocketParams& sp, const FlightParams& f) {
  return predict(kp, sp, f, std::nullopt);
}

Prediction predict_data_retransmission(const KernelParams& kp, const SocketParams& sp, const FlightParams& f,
                                       const NeighbourFailure& n) {
  if (n.from_us < 0 || n.probes < 0 || n.probe_delay_us <= 0)
    throw std::invalid_argument("NeighbourFailure: from_us and probes must not be negative, probe_delay_us positive");
  return predict(kp, sp, f, detail::WriteTimerSetup::Arp{detail::usecs_to_jiffies(n.from_us, kp.hz), n.probes,
                                                          detail::usecs_to_jiffies(n.probe_delay_us, kp.hz)});
}

}  // namespace crashlab::model
