// predict_keepalive(): an idle connection whose peer went silent
// (tcp_keepalive_timer in net/ipv4/tcp_timer.c).

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

constexpr int kMaxProbes = 1000000;

struct KeepaliveSetup {
  bool enabled = false;
  int hz = 250;
  int64_t idle_j = 0;            // keepalive_time_when(): TCP_KEEPIDLE ? : tcp_keepalive_time, in jiffies
  int64_t intvl_j = 0;           // keepalive_intvl_when()
  int probes = 0;                // keepalive_probes()
  int64_t user_timeout_j = 0;    // msecs_to_jiffies(icsk_user_timeout), 0 = unset
  uint32_t user_timeout_ms = 0;
};

KeepaliveSetup keepalive_setup(const KernelParams& kp, const SocketParams& sp) {
  detail::check_hz(kp.hz);
  KeepaliveSetup k;
  k.enabled = sp.keepalive;
  k.hz = kp.hz;
  // TCP_KEEPIDLE / TCP_KEEPINTVL store val * HZ; the sysctls are jiffies too.
  k.idle_j = int64_t{sp.keepidle_s.value_or(kp.tcp_keepalive_time_s)} * kp.hz;
  k.intvl_j = int64_t{sp.keepintvl_s.value_or(kp.tcp_keepalive_intvl_s)} * kp.hz;
  k.probes = sp.keepcnt.value_or(kp.tcp_keepalive_probes);
  k.user_timeout_ms = sp.user_timeout_ms.value_or(0);
  k.user_timeout_j = detail::msecs_to_jiffies(k.user_timeout_ms, kp.hz);
  if (k.enabled && (k.idle_j <= 0 || k.intvl_j <= 0)) throw std::invalid_argument("keepalive times must be positive");
  return k;
}

// tcp_keepalive_timer()'s verdict at a firing `elapsed` jiffies after the last
// segment received (keepalive_time_elapsed), with probes_out probes unanswered.
bool keepalive_gives_up(const KeepaliveSetup& k, int64_t elapsed, int probes_out, int bias) {
  if (k.user_timeout_j == 0) return probes_out >= k.probes;
  const int64_t threshold = k.user_timeout_j + bias * detail::step_margin(k.user_timeout_j, 1);
  return elapsed >= threshold && probes_out > 0;
}

Run simulate_keepalive(const KeepaliveSetup& k, const TimerWheel& w, int64_t j0, int bias) {
  Run run;
  if (!k.enabled) return run;
  // The timer lands keepalive_time_when() after the last segment received:
  // tcp_keepalive_timer() re-arms for the remainder whenever it fires early.
  run.arm_delays_j.push_back(k.idle_j);
  int64_t now = w.fires_at(j0, k.idle_j, ArmedFrom::process);
  for (int probes_out = 0; probes_out < kMaxProbes; ++probes_out) {
    const int64_t elapsed = now - j0;
    if (keepalive_gives_up(k, elapsed, probes_out, bias)) {
      run.give_up_j = elapsed;
      run.verdict = k.user_timeout_j ? detail::Verdict::elapsed : detail::Verdict::count;
      run.by_user_timeout = k.user_timeout_j != 0;
      run.elapsed_us = detail::jiffies_to_usecs(elapsed, k.hz);
      run.limit_us = detail::jiffies_to_usecs(k.user_timeout_j, k.hz);
      return run;
    }
    run.prev_fire_j = elapsed;
    run.events.push_back({elapsed, "keepalive_probe", probes_out + 1});  // tcp_write_wakeup()
    run.arm_delays_j.push_back(k.intvl_j);
    now = w.fires_at(now, k.intvl_j, ArmedFrom::timer_callback);
  }
  throw std::domain_error("keepalive chain too long");
}

std::string explain_keepalive(const KeepaliveSetup& k, const Run& run, const std::string& error) {
  using detail::secs;
  using detail::secs_j;
  if (!k.enabled)
    return "SO_KEEPALIVE is off: tcp_keepalive_timer() never probes an idle connection and no retransmission "
           "timer runs without data in flight, so the kernel never gives up.";
  const std::string probes = std::to_string(run.events.size());
  const std::string first = run.events.empty() ? "" : " starting " + secs_j(run.events.front().at_j, k.hz);
  if (run.by_user_timeout)
    return "TCP_USER_TIMEOUT=" + std::to_string(k.user_timeout_ms) +
           " ms replaces TCP_KEEPCNT (tcp_keepalive_timer): " + probes + " probe(s) every " +
           secs_j(k.intvl_j, k.hz) + first + " after the last segment received; the first firing with "
           "elapsed >= " + secs(run.limit_us) + " and probes_out > 0 is at " + secs_j(run.give_up_j, k.hz) +
           " -> " + error + ".";
  return "keepalive idle=" + secs_j(k.idle_j, k.hz) + ", intvl=" + secs_j(k.intvl_j, k.hz) +
         ", cnt=" + std::to_string(k.probes) + " (tcp_keepalive_timer): " + probes + " probe(s)" + first +
         " after the last segment received; the firing at " + secs_j(run.give_up_j, k.hz) +
         " finds probes_out=" + probes + " >= " + std::to_string(k.probes) + " -> " + error + ".";
}

}  // namespace

Prediction predict_keepalive(const KernelParams& kp, const SocketParams& sp) {
  const KeepaliveSetup k = keepalive_setup(kp, sp);
  const std::string error = detail::error_name(sp.soft_error);
  auto sim = [k](const TimerWheel& w, int64_t j0, int bias) { return simulate_keepalive(k, w, j0, bias); };
  auto explain = [&](const Run& run, const Run&) { return explain_keepalive(k, run, error); };
  // Only a user-timeout deadline can be crossed early by a late firing; the
  // probe count cannot move, and keepalive intervals are exact.
  detail::AlternativePolicy policy;
  policy.earlier = k.user_timeout_j != 0;
  return detail::assemble(sim, kp.hz, kp.model_timer_wheel, policy, explain, error);
}

}  // namespace crashlab::model
