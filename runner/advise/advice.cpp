#include "runner/advise/advice.hpp"

#include "runner/advise/same_link.hpp"

namespace crashlab::runner::advise {

namespace {
// The survivor's neighbour entry for a dead peer on the same link (runner/predict/neighbour_horizon.cpp).
std::string neighbour_rule(const Candidate& c, const Request& r) {
  const Detection& busy = c.eval.busy.detection;
  const NeighbourHorizon h = assumed_neighbour_horizon(r.hz);
  const std::string idle = r.wants_idle() && c.settings.keepalive
                               ? " Keepalive probes are unaffected: they carry snd_una - 1, outside the window "
                                 "tcp_v4_err() accepts, so their ICMPs change nothing."
                               : "";
  const std::string same_link =
      "Neighbour entry (docs/model.md, \"The neighbour entry\"): a dead peer on the same link answers no ARP, so the "
      "survivor's entry for it, REACHABLE at the crash, can be FAILED from " + seconds_text(h.fails_from_ms) + " on (" +
      h.why + ")";
  if (!busy.neighbour)
    return same_link + "; the busy chain sends its last retransmission before that (or gives up before the ARP that "
           "follows fails), so the model's timers decide alone." + idle;
  const NeighbourFailureRisk& n = *busy.neighbour;
  if (!n.icmp_first)
    return same_link + ", and the busy chain's last retransmission can go out on a failed entry; but the broadcast "
           "ARP it waits for fails " + seconds_text(n.arp_wait_ms) + " later, after the give-up, so no ICMP reaches the "
           "socket first and the model's timers decide alone (" + seconds_text(n.earliest_ms) + " to " +
           seconds_text(n.worst_ms) + " over every moment the entry can fail)." + idle;
  return same_link + ", and the busy chain runs past that. A retransmission on the "
         "failed entry waits " + seconds_text(n.arp_wait_ms) + " for broadcast ARP; the ICMP host-unreachable after it "
         "makes the give-up report " + n.error + " and reverts one step of backoff (RFC 6069, tcp_ld_RTO_revert), so the "
         "RTO stops doubling" + (c.settings.user_timeout_ms ? " and the timer is re-armed without TCP_USER_TIMEOUT's clamp: "
         "the give-up can come up to one RTO after the user timeout" : ": the give-up lands on the reverted chain's "
         "firings, earlier or later than tcp_retries2's own") + ". When the entry fails is random (reachable_time), so the busy interval above is the "
         "model run once for each retransmission that may be the first on a failed entry (" + seconds_text(n.earliest_ms) +
         " to " + seconds_text(n.worst_ms) + "). A peer behind a router keeps the chain's own timing and ETIMEDOUT." + idle;
}
}  // namespace

std::vector<std::string> rules_relied_on(const Candidate& c, const Request& r) {
  const Settings& s = c.settings;
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
  if (r.wants_busy()) out.push_back(neighbour_rule(c, r));
  return out;
}

Advice advice_for(const Request& r) {
  Advice a;
  a.request = r;
  a.search = search(r);
  a.obvious = obvious_answers(r);
  if (a.search.proposal) {
    a.rules = rules_relied_on(*a.search.proposal, r);
    a.snippets = snippets(a.search.proposal->settings, r);
  }
  return a;
}

}  // namespace crashlab::runner::advise
