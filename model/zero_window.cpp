// predict_zero_window(): the peer's receive window is closed and the peer goes
// silent (tcp_probe_timer() and tcp_send_probe0() in net/ipv4/tcp_timer.c and
// tcp_output.c).

#include <algorithm>
#include <stdexcept>

#include "model/format.hpp"
#include "model/kernel_time.hpp"
#include "model/sweep.hpp"
#include "model/tcp_model.hpp"

namespace crashlab::model {

namespace {

using detail::ArmedFrom;
using detail::Run;
using detail::TimerWheel;

constexpr int64_t kTcpRtoMinUs = 200000;  // TCP_RTO_MIN: tcp_probe0_base()'s floor, not the sysctl

struct ProbeSetup {
  int hz = 250;
  int64_t base_j = 0;    // tcp_probe0_base(): max(icsk_rto, TCP_RTO_MIN)
  int64_t max_j = 0;     // tcp_rto_max(sk)
  int backoff = 0;       // icsk_backoff when the last ACK re-armed the timer
  int max_probes = 15;   // tcp_retries2
};

// tcp_probe0_when(): base << backoff, capped.
int64_t probe0_when(const ProbeSetup& p, int backoff) {
  const int64_t when = backoff >= 40 ? p.max_j : p.base_j << backoff;
  return std::min(when, p.max_j);
}

ProbeSetup probe_setup(const KernelParams& kp, const SocketParams& sp, const ProbeParams& pp) {
  ProbeSetup p;
  p.hz = kp.hz;
  p.base_j = detail::usecs_to_jiffies(std::max(pp.rto_us, kTcpRtoMinUs), kp.hz);
  p.max_j = detail::msecs_to_jiffies(sp.rto_max_ms.value_or(int(kp.tcp_rto_max_ms)), kp.hz);
  p.backoff = std::max(0, pp.backoff);
  p.max_probes = kp.tcp_retries2;
  return p;
}

Run simulate_probes(const ProbeSetup& p, const TimerWheel& w, int64_t j0) {
  Run run;
  int backoff = p.backoff;
  // tcp_ack_probe(): the last ACK (the window still closed) re-armed the timer.
  int64_t delay = probe0_when(p, backoff);
  run.arm_delays_j.push_back(delay);
  int64_t now = w.fires_at(j0, delay, ArmedFrom::process);
  for (int probes_out = 0;; ++probes_out) {
    if (probes_out >= p.max_probes) {  // tcp_probe_timer(): -> tcp_write_err()
      run.give_up_j = now - j0;
      run.verdict = detail::Verdict::count;
      return run;
    }
    run.prev_fire_j = now - j0;
    run.events.push_back({now - j0, "zero_window_probe", probes_out + 1});  // tcp_send_probe0()
    if (backoff < p.max_probes) ++backoff;
    delay = probe0_when(p, backoff);
    run.arm_delays_j.push_back(delay);
    now = w.fires_at(now, delay, ArmedFrom::timer_callback);
  }
}
}  // namespace

Prediction predict_zero_window(const KernelParams& kp, const SocketParams& sp, const ProbeParams& pp) {
  detail::check_hz(kp.hz);
  // tcp_probe_timer() checks the user timeout against icsk_probes_tstamp, stamped at
  // the first firing since the window closed, which an ACK does not reset.
  if (sp.user_timeout_ms)
    throw std::domain_error("TCP_USER_TIMEOUT with a closed window: tcp_probe_timer() compares it with the time "
                            "since its first probe after the window closed, which crashlab does not measure");
  const ProbeSetup p = probe_setup(kp, sp, pp);
  const std::string error = detail::error_name(sp.soft_error);
  auto sim = [p](const TimerWheel& w, int64_t j0, int) { return simulate_probes(p, w, j0); };
  auto explain = [&](const Run& run, const Run&) {
    using detail::secs_j;
    const std::string first = run.events.empty() ? "" : ", the first " + secs_j(run.events.front().at_j, p.hz);
    return "the peer's window is closed, so no data is in flight and no retransmission timer runs: the probe timer "
           "(tcp_probe_timer) sends window probes " + secs_j(probe0_when(p, p.backoff), p.hz) +
           " apart after the last ACK (max(RTO, 200 ms) << backoff " + std::to_string(p.backoff) +
           "), doubling up to backoff tcp_retries2, " + std::to_string(run.events.size()) + " unanswered probe(s)" +
           first + " after the last ACK; the firing at " + secs_j(run.give_up_j, p.hz) +
           " finds probes_out >= tcp_retries2=" + std::to_string(p.max_probes) + " -> " + error +
           ". A count, not an elapsed time: tcp_retries2's time budget does not apply.";
  };
  detail::AlternativePolicy policy;
  policy.earlier = false;  // a count cannot move with lateness
  return detail::assemble(sim, kp.hz, kp.model_timer_wheel, policy, explain, error);
}

int64_t zero_window_probe_interval_j(const KernelParams& kp, const SocketParams& sp, const ProbeParams& pp) {
  detail::check_hz(kp.hz);
  const ProbeSetup p = probe_setup(kp, sp, pp);
  return probe0_when(p, p.backoff);
}

}  // namespace crashlab::model
