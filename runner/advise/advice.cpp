#include "runner/advise/advice.hpp"

namespace crashlab::runner::advise {

std::vector<std::string> rules_relied_on(const Settings& s, const Request& r) {
  std::vector<std::string> out;
  out.push_back("Timer wheel (model rule 9): every TCP timer fires late, up to 1/8 of its delay (HZ=" + std::to_string(r.hz) +
                "); each worst case above includes that lateness and the neighbouring outcome of the step function.");
  if (r.wants_idle() && s.keepalive) {
    out.push_back("Keepalive (rule 5): probes go out idle, idle + interval, ... after the last segment received; without a "
                  "user timeout the connection is aborted idle + interval x count after it. An answered probe restarts the "
                  "idle time, so a healthy connection sends one probe every max(idle, interval).");
    if (s.user_timeout_ms)
      out.push_back("TCP_USER_TIMEOUT replaces TCP_KEEPCNT (rule 5): the first keepalive firing with the user timeout "
                    "elapsed since the last segment and a probe out aborts, however many probes that is.");
  }
  if (r.wants_busy()) {
    out.push_back("With data in flight the keepalive timer does not probe (tcp_keepalive_timer): a busy connection is left to "
                  "the retransmission timer, and its first RTO retransmission comes after a tail loss probe (rule 4), about "
                  "0.4 s after the send on a sub-millisecond path.");
    if (s.user_timeout_ms)
      out.push_back("TCP_USER_TIMEOUT (rule 3) counts from that first RTO retransmission, not from the send, and the "
                    "retransmission timer is clamped to fire on it.");
    else
      out.push_back("tcp_retries2 (rule 2) is a time budget, (2^(n+1) - 1) x 200 ms up to the RTO cap, counted from the first "
                    "RTO retransmission; the kernel gives up at the first firing after it, so the detection moves in steps.");
  }
  if (r.survive_outage_ms > 0)
    out.push_back("An outage is survived when a probe or retransmission fires after it ends and before the give-up; the worst "
                  "case starts it just before the first keepalive probe, or with the send.");
  if (r.wants_busy())
    out.push_back("Not modelled: when the dead peer sits on the same link, its neighbour entry fails about 8 s after the "
                  "crash, a busy connection's error becomes EHOSTUNREACH instead of ETIMEDOUT, and the RFC 6069 revert that "
                  "follows can put the give-up up to one 6.7 s retransmission step past a user timeout (docs/advise.md).");
  return out;
}

Advice advice_for(const Request& r) {
  Advice a;
  a.request = r;
  a.search = search(r);
  a.obvious = obvious_answers(r);
  if (a.search.proposal) {
    a.rules = rules_relied_on(a.search.proposal->settings, r);
    a.snippets = snippets(a.search.proposal->settings, r);
  }
  return a;
}

}  // namespace crashlab::runner::advise
