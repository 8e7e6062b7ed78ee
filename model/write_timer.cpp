#include "model/write_timer.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "model/backoff.hpp"
#include "model/kernel_time.hpp"

namespace crashlab::model::detail {

namespace {

constexpr int kMaxFirings = 200000;

struct State {
  int64_t now = 0;               // absolute jiffy of the current (or next armed) firing
  int64_t rto = 0;               // icsk_rto
  int backoff = 0;               // icsk_backoff
  int retransmits = 0;           // icsk_retransmits (equal to total_rto here)
  std::optional<int64_t> stamp;  // retrans_stamp
  // A failed neighbour entry (WriteTimerSetup::arp):
  int64_t sent_at = 0;             // the head segment's last transmission (tcp_skb_timestamp_us())
  std::optional<int64_t> icmp_at;  // it waits for ARP, whose failure then sends ICMP host-unreachable
};

struct Check {
  bool expired = false;
  bool timed = false;  // retransmits_timed_out() compared an elapsed time
  Verdict verdict = Verdict::never;
  int64_t elapsed_ms = 0, limit_ms = 0;
};

// retransmits_timed_out(): elapsed since retrans_stamp against the user
// timeout, or against tcp_model_timeout() -- which is built from rto_base, not
// from the connection's real RTO. Never true before the first retransmission.
Check retransmits_timed_out(const WriteTimerSetup& s, const State& st, int bias) {
  Check c;
  if (st.retransmits == 0) return c;
  c.timed = true;
  c.elapsed_ms = jiffies_to_msecs(st.now - *st.stamp, s.hz);
  c.limit_ms = s.user_timeout_ms ? int64_t{s.user_timeout_ms}
                                 : model_timeout_ms(s.boundary(st.rto), s.rto_base_j, s.rto_max_j, s.hz);
  const int64_t threshold = c.limit_ms + bias * step_margin(c.limit_ms, tick_ms(s.hz));
  c.expired = c.elapsed_ms >= threshold;
  c.verdict = Verdict::elapsed;
  return c;
}

// tcp_write_timeout(): in SYN_SENT the retransmission count decides first
// (tcp_syn_retries plus tcp_syn_linear_timeouts), then the elapsed time.
Check write_timeout(const WriteTimerSetup& s, const State& st, int bias) {
  if (s.syn_sent && st.retransmits >= s.syn_retries + s.syn_linear) {
    Check c;
    c.expired = true;
    c.verdict = Verdict::count;
    return c;
  }
  return retransmits_timed_out(s, st, bias);
}

// tcp_clamp_rto_to_user_timeout(): never sleep past the user timeout.
int64_t clamp_rto_to_user_timeout(const WriteTimerSetup& s, const State& st) {
  if (!s.user_timeout_ms) return st.rto;
  const int64_t remaining = int64_t{s.user_timeout_ms} - jiffies_to_msecs(st.now - *st.stamp, s.hz);
  if (remaining <= 0) return 1;  // "user timeout has passed; fire ASAP"
  return std::min(st.rto, msecs_to_jiffies(remaining, s.hz));
}

// tcp_retransmit_timer() after a retransmission: exponential backoff (except
// SYN_SENT while total_rto <= tcp_syn_linear_timeouts), then re-arm.
int64_t backoff_and_rearm_delay(const WriteTimerSetup& s, State& st) {
  if (!s.syn_sent || st.retransmits > s.syn_linear) {
    st.rto = std::min(st.rto * 2, s.rto_max_j);
    ++st.backoff;
  }
  // inet_csk_reset_xmit_timer() caps any delay at tcp_rto_max(sk).
  return std::min(clamp_rto_to_user_timeout(s, st), s.rto_max_j);
}

int64_t arm(Run& run, const TimerWheel& w, int64_t now, int64_t delay, ArmedFrom from) {
  run.arm_delays_j.push_back(delay);
  return w.fires_at(now, delay, from);
}

// inet_csk_rto_backoff(): the base RTO shifted by the backoff, capped at tcp_rto_max(sk).
int64_t backed_off_rto(const WriteTimerSetup& s, int backoff) {
  int64_t rto = std::min(s.rto_j, s.rto_max_j);
  for (int i = 0; i < backoff && rto < s.rto_max_j; ++i) rto *= 2;
  return std::min(rto, s.rto_max_j);
}

// __neigh_event_send() probes at once and arms the neighbour timer from the TCP
// timer's callback; neigh_timer_handler() probes and re-arms until the last
// timer, which fails the entry (neigh_invalidate(): the queued segment's ICMP).
int64_t arp_fails_at(const WriteTimerSetup::Arp& a, Run& run, const TimerWheel& w, int64_t sent) {
  int64_t t = sent;
  for (int i = 0; i < a.probes; ++i) t = arm(run, w, t, a.probe_delay_j, ArmedFrom::timer_callback);
  return t;
}

// tcp_v4_err() for the ICMP host-unreachable: sk_err_soft, then tcp_ld_RTO_revert()
// (RFC 6069): one step of backoff back, the timer re-armed for the segment's send
// time + that RTO (tcp_reset_xmit_timer(), not clamped to the user timeout), or the
// retransmission at once when that time has passed.
void icmp_host_unreachable(const WriteTimerSetup& s, State& st, Run& run, const TimerWheel& w, int64_t j0) {
  const int64_t at = *st.icmp_at;
  st.icmp_at.reset();
  run.soft_error = "EHOSTUNREACH";
  if (run.first_icmp_j < 0) run.first_icmp_j = at - j0;
  if (st.retransmits == 0 || st.backoff == 0) return;  // nothing to revert: the timer stays
  st.rto = backed_off_rto(s, --st.backoff);
  ++run.reverts;
  run.revert_rto_j = st.rto;
  const int64_t remaining = st.rto - (at - st.sent_at);
  st.now = remaining > 0 ? arm(run, w, at, remaining, ArmedFrom::timer_callback) : at;
}

void finish(Run& run, const Check& c, const State& st, const WriteTimerSetup& s, int64_t j0) {
  run.give_up_j = st.now - j0;
  run.verdict = c.verdict;
  run.by_user_timeout = c.timed && s.user_timeout_ms != 0;
  if (c.timed) {
    run.elapsed_us = c.elapsed_ms * 1000;
    run.limit_us = c.limit_ms * 1000;
  }
  if (st.stamp) run.stamp_j = *st.stamp - j0;
}

}  // namespace

Run simulate_write_timer(const WriteTimerSetup& s, const TimerWheel& w, int64_t j0, int bias) {
  Run run;
  State st;
  st.now = j0;
  st.rto = std::min(s.rto_j, s.rto_max_j);
  if (s.syn_sent) st.stamp = j0;  // tcp_connect(): retrans_stamp = when the SYN is sent
  ArmedFrom from = ArmedFrom::process;
  if (s.tlp_j) {
    // tcp_send_loss_probe() re-sends the tail, then tcp_rearm_rto() arms a
    // full RTO from now (icsk_pending was reset). retrans_stamp stays unset.
    st.now = arm(run, w, st.now, *s.tlp_j, from);
    run.events.push_back({st.now - j0, "tail_loss_probe", 1});
    from = ArmedFrom::timer_callback;
  }
  st.now = arm(run, w, st.now, st.rto, from);
  for (int firing = 0; firing < kMaxFirings; ++firing) {
    // The ICMP comes from the network softirq after the timers of its jiffy ran.
    if (st.icmp_at && *st.icmp_at < st.now) {
      icmp_host_unreachable(s, st, run, w, j0);
      continue;
    }
    const Check c = write_timeout(s, st, bias);
    if (c.expired) {
      finish(run, c, st, s, j0);
      return run;
    }
    if (c.timed) {
      run.prev_fire_j = st.now - j0;
      run.prev_elapsed_us = c.elapsed_ms * 1000;
    }
    ++st.retransmits;
    if (!st.stamp) st.stamp = st.now;  // tcp_retransmit_skb(): stamp of the first retransmission
    // A segment still waiting for ARP is not sent again (skb_still_in_host_queue()).
    if (!st.icmp_at) {
      run.events.push_back({st.now - j0, s.kind, st.retransmits});
      st.sent_at = st.now;
      if (s.arp && s.arp->probes > 0 && st.now - j0 >= s.arp->from_j) st.icmp_at = arp_fails_at(*s.arp, run, w, st.now);
    }
    st.now = arm(run, w, st.now, backoff_and_rearm_delay(s, st), ArmedFrom::timer_callback);
  }
  throw std::domain_error("retransmission chain longer than " + std::to_string(kMaxFirings) + " firings");
}

int count_events(const Run& run, const char* kind) {
  return static_cast<int>(std::count_if(run.events.begin(), run.events.end(),
                                        [kind](const Event& e) { return std::strcmp(e.kind, kind) == 0; }));
}

}  // namespace crashlab::model::detail
