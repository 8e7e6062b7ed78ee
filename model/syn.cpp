// predict_syn(): connect() to an address that never answers (SYN_SENT branch
// of tcp_write_timeout and tcp_retransmit_timer).

#include "model/backoff.hpp"
#include "model/format.hpp"
#include "model/kernel_time.hpp"
#include "model/sweep.hpp"
#include "model/tcp_model.hpp"
#include "model/write_timer.hpp"

namespace crashlab::model {

namespace {

using detail::Run;

detail::WriteTimerSetup syn_setup(const KernelParams& kp, const SocketParams& sp) {
  detail::check_hz(kp.hz);
  detail::WriteTimerSetup s;
  s.hz = kp.hz;
  s.rto_max_j = detail::socket_rto_max_j(kp, sp);
  s.rto_j = detail::tcp_timeout_init_j(kp.hz);       // tcp_connect_init(): icsk_rto = tcp_timeout_init()
  s.rto_base_j = detail::tcp_timeout_init_j(kp.hz);  // retransmits_timed_out() in SYN states
  s.user_timeout_ms = sp.user_timeout_ms.value_or(0);
  s.syn_sent = true;
  s.syn_retries = sp.syncnt.value_or(kp.tcp_syn_retries);  // icsk_syn_retries ? : sysctl
  s.syn_linear = kp.tcp_syn_linear_timeouts;
  s.boundary = [r = s.syn_retries](int64_t) { return r; };
  s.kind = "syn_retransmit";
  return s;
}

std::string explain_syn(const detail::WriteTimerSetup& s, const Run& run, const std::string& error) {
  using detail::secs;
  using detail::secs_j;
  const std::string sent = std::to_string(run.events.size()) + " SYN retransmission(s)";
  const std::string fails = "connect() fails with " + error + ".";
  std::string budget = "SYN_SENT: syn retries=" + std::to_string(s.syn_retries) +
                       " + tcp_syn_linear_timeouts=" + std::to_string(s.syn_linear) + " -> at most " +
                       std::to_string(s.syn_retries + s.syn_linear) +
                       " SYN retransmissions (tcp_write_timeout); the RTO stays " + secs_j(s.rto_j, s.hz) +
                       " while total_rto <= " + std::to_string(s.syn_linear) +
                       " and then doubles (tcp_retransmit_timer). ";
  if (run.verdict == detail::Verdict::count)
    return budget + "The firing at " + secs_j(run.give_up_j, s.hz) + " finds " + sent + " -> " + fails;
  if (run.by_user_timeout)
    return budget + "TCP_USER_TIMEOUT=" + std::to_string(s.user_timeout_ms) +
           " ms from the first SYN (retrans_stamp set in tcp_connect) expires first: the firing at " +
           secs_j(run.give_up_j, s.hz) + " sees " + secs(run.elapsed_us) + " after " + sent + " -> " + fails;
  return budget + "tcp_model_timeout(" + std::to_string(s.syn_retries) + ", 1 s) = " + secs(run.limit_us) +
         " from the first SYN (retrans_stamp set in tcp_connect) expires first: the firing at " +
         secs_j(run.give_up_j, s.hz) + " sees " + secs(run.elapsed_us) + " after " + sent + " -> " + fails;
}

}  // namespace

Prediction predict_syn(const KernelParams& kp, const SocketParams& sp) {
  const detail::WriteTimerSetup setup = syn_setup(kp, sp);
  const std::string error = detail::error_name(sp.soft_error);
  auto sim = [setup](const detail::TimerWheel& w, int64_t j0, int bias) {
    return detail::simulate_write_timer(setup, w, j0, bias);
  };
  auto explain = [&](const Run& run, const Run&) { return explain_syn(setup, run, error); };
  // The SYN RTO is exactly 1 s, so only an early pass of an elapsed-time
  // deadline (timer lateness) can change the outcome.
  return detail::assemble(sim, kp.hz, kp.model_timer_wheel, detail::AlternativePolicy{}, explain, error);
}

}  // namespace crashlab::model
