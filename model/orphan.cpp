// Orphaned sockets (close() already returned): tcp_orphan_retries for data or
// FIN in flight, tcp_fin_timeout for FIN_WAIT2.

#include <algorithm>
#include <stdexcept>

#include "model/established.hpp"
#include "model/format.hpp"
#include "model/kernel_time.hpp"
#include "model/sweep.hpp"
#include "model/tcp_model.hpp"

namespace crashlab::model {

namespace {

using detail::ArmedFrom;
using detail::Run;
using detail::TimerWheel;

// tcp_orphan_retries(): the sysctl, 0 if an ICMP error arrived and the RTO
// already reached rto_max, and 8 when 0 while the RTO is still below rto_max.
int orphan_retries(int sysctl, bool soft_error, bool alive) {
  int retries = sysctl;
  if (soft_error && !alive) retries = 0;
  if (retries == 0 && alive) retries = 8;
  return retries;
}

std::string explain_orphan(const KernelParams& kp, const Run& run, const std::string& error) {
  using detail::secs;
  using detail::secs_j;
  return "Orphan: tcp_orphan_retries=" + std::to_string(kp.tcp_orphan_retries) +
         " (tcp_orphan_retries(): 0 means 8 while icsk_rto < rto_max) -> tcp_model_timeout() deadline " +
         secs(run.limit_us) + " from the first RTO retransmission at " + secs_j(run.stamp_j, kp.hz) +
         "; the firing at " + secs_j(run.give_up_j, kp.hz) + " has " + secs(run.elapsed_us) +
         " elapsed -> the socket is closed (sk_err " + error + ", but no process can read it) after " +
         std::to_string(detail::count_events(run, "retransmit")) + " retransmissions.";
}

// tcp_fin_time(): linger2 (not modelled) or tcp_fin_timeout, at least 3.5 RTO.
int64_t fin_time_j(const KernelParams& kp, int64_t rto_j) {
  return std::max(int64_t{kp.tcp_fin_timeout_s} * kp.hz, (rto_j << 2) - (rto_j >> 1));
}

struct FinWait2Setup {
  int hz = 250;
  int64_t rto_j = 0;
  int64_t fin_time_j = 0;
  int64_t timewait_len_j = 0;  // TCP_TIMEWAIT_LEN, 60 s
};

// tcp_close()/tcp_rcv_state_process(): tmo <= TCP_TIMEWAIT_LEN goes straight to
// a FIN_WAIT2 timewait socket living tmo; a longer tmo first waits
// tmo - TCP_TIMEWAIT_LEN on the keepalive timer, whose handler then creates the
// timewait socket for tcp_fin_time() - TCP_TIMEWAIT_LEN (at least 3.5 RTO,
// tcp_time_wait()).
Run simulate_fin_wait2(const FinWait2Setup& s, const TimerWheel& w, int64_t j0, int) {
  Run run;
  int64_t now = j0;
  ArmedFrom from = ArmedFrom::process;
  int64_t tw_j = s.fin_time_j;
  if (s.fin_time_j > s.timewait_len_j) {
    const int64_t wait = s.fin_time_j - s.timewait_len_j;
    run.arm_delays_j.push_back(wait);
    now = w.fires_at(now, wait, from);
    from = ArmedFrom::timer_callback;
    tw_j = std::max(wait, (s.rto_j << 2) - (s.rto_j >> 1));
  }
  run.arm_delays_j.push_back(tw_j);
  now = w.fires_at(now, tw_j, from);
  run.give_up_j = now - j0;
  run.verdict = detail::Verdict::elapsed;
  return run;
}

std::string explain_fin_wait2(const FinWait2Setup& s, const Run& run) {
  using detail::secs_j;
  std::string how = s.fin_time_j > s.timewait_len_j
                        ? " > TCP_TIMEWAIT_LEN: the keepalive timer waits tcp_fin_time() - 60 s, then "
                          "tcp_keepalive_timer() makes a FIN_WAIT2 timewait socket for tcp_fin_time() - 60 s "
                          "again (tcp_time_wait)"
                        : " <= TCP_TIMEWAIT_LEN: tcp_close() hands the socket to a FIN_WAIT2 timewait socket "
                          "for that long (tcp_time_wait)";
  return "Orphan in FIN_WAIT2: tcp_fin_time() = max(tcp_fin_timeout, 3.5 RTO) = " + secs_j(s.fin_time_j, s.hz) +
         how + "; it disappears at " + secs_j(run.give_up_j, s.hz) + " without an RST or an error.";
}

}  // namespace

Prediction predict_orphan_retransmission(const KernelParams& kp, const SocketParams& sp, const FlightParams& f) {
  detail::WriteTimerSetup setup = detail::established_setup(kp, sp, f);
  setup.boundary = [sysctl = kp.tcp_orphan_retries, soft = !sp.soft_error.empty(),
                    rto_max = setup.rto_max_j](int64_t rto_j) {
    return orphan_retries(sysctl, soft, rto_j < rto_max);  // alive = icsk_rto < tcp_rto_max(sk)
  };
  const std::string error = detail::error_name(sp.soft_error);
  const int hz = kp.hz;
  auto sim = [setup](const TimerWheel& w, int64_t j0, int bias) {
    return detail::simulate_write_timer(setup, w, j0, bias);
  };
  auto explain = [&](const Run& run, const Run& nominal) {
    std::string s = detail::tlp_sentence(run, hz);
    if (run.by_user_timeout) return s + detail::user_timeout_sentence(run, setup.user_timeout_ms, error, hz);
    return s + explain_orphan(kp, run, error) + detail::ideal_timer_sentence(run, nominal, hz);
  };
  detail::AlternativePolicy policy;
  policy.later = setup.user_timeout_ms == 0;
  return detail::assemble(sim, hz, kp.model_timer_wheel, policy, explain, error);
}

Prediction predict_orphan_fin_wait2(const KernelParams& kp, int64_t rto_us) {
  detail::check_hz(kp.hz);
  if (rto_us <= 0) throw std::invalid_argument("rto_us must be positive");
  FinWait2Setup s;
  s.hz = kp.hz;
  s.rto_j = detail::usecs_to_jiffies(rto_us, kp.hz);
  s.fin_time_j = fin_time_j(kp, s.rto_j);
  s.timewait_len_j = int64_t{60} * kp.hz;
  auto sim = [s](const TimerWheel& w, int64_t j0, int bias) { return simulate_fin_wait2(s, w, j0, bias); };
  auto explain = [s](const Run& run, const Run&) { return explain_fin_wait2(s, run); };
  detail::AlternativePolicy none;
  none.earlier = false;
  return detail::assemble(sim, kp.hz, kp.model_timer_wheel, none, explain, "");
}

}  // namespace crashlab::model
