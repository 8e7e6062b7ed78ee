#include "runner/predict/prediction.hpp"
#include "runner/ms_text.hpp"
#include "runner/predict/forgotten_flow.hpp"
#include "runner/predict/neighbour.hpp"
#include "runner/predict/neighbour_horizon.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace crashlab::runner {

namespace {
// The model's answer, moved to the fault's clock.
SidePrediction from_model(const model::Prediction& p, double zero_ms, const std::string& zero_text) {
  SidePrediction s;
  s.time_zero = zero_text + " (" + ms_text(zero_ms, 0) + " after the fault)";
  s.reason = p.reason;
  s.error = p.error;
  for (const auto& f : p.schedule)
    s.schedule.push_back({f.kind, f.n, zero_ms + double(f.at_us) / 1e3, double(f.late_max_us) / 1e3});
  if (p.give_up_us >= 0) {
    s.detected_after_ms = zero_ms + double(p.give_up_us) / 1e3;
    s.late_max_ms = double(p.give_up_late_max_us) / 1e3;
  }
  if (p.alternative_give_up_us) s.alternative_detected_after_ms = zero_ms + double(*p.alternative_give_up_us) / 1e3;
  if (const auto& o = p.other_phase) {
    model::Prediction q;
    q.schedule = o->schedule;
    q.give_up_us = o->give_up_us;
    q.give_up_late_max_us = o->give_up_late_max_us;
    q.error = o->error;
    const size_t mine = o->schedule.size(), theirs = p.schedule.size();
    q.reason = "The timer wheel's phase decides (the absolute jiffy of time zero, which nothing outside the kernel sees): in " +
               std::to_string(o->phases) + " of " + std::to_string(o->total_phases) + " phases the lateness it adds moves "
               "the elapsed time across the deadline, and the kernel gives up after " + std::to_string(mine) +
               " firings instead of " + std::to_string(theirs) + ". In the other phases: " + p.reason;
    s.other_phase.push_back(from_model(q, zero_ms, zero_text));
  }
  return s;
}

// The first segment to reach the peer once it is back: a send issued after that,
// itself, or else the first firing at or after it.
struct FirstThrough {
  double at_ms = 0;
  double late_max_ms = 0;
  std::string text;
  std::vector<PredictedFiring>::iterator keep_until;  // the schedule ends before this
};

std::optional<FirstThrough> first_through(SidePrediction& s, const PredictionInput& in, double back) {
  if (in.send_ms && *in.send_ms >= back && !in.connect_ms)
    return FirstThrough{*in.send_ms, 0, "the send at " + ms_text(*in.send_ms, 0), s.schedule.begin()};
  auto hit = std::find_if(s.schedule.begin(), s.schedule.end(), [&](const PredictedFiring& f) { return f.at_ms >= back; });
  if (hit == s.schedule.end()) return std::nullopt;
  return FirstThrough{hit->at_ms, hit->late_max_ms, hit->kind + " #" + std::to_string(hit->n) + " at " + ms_text(hit->at_ms, 0),
                      hit + 1};
}

// The step that brought the peer back ran from `from` to `at`: a segment sent in
// between may have met it or not.
void race_with_the_return(const SidePrediction& s, const PredictionInput& in, double from, double at) {
  std::string what;
  if (in.send_ms && *in.send_ms >= from && *in.send_ms < at && !in.connect_ms) what = "the send at " + ms_text(*in.send_ms, 0);
  for (const PredictedFiring& f : s.schedule)
    if (what.empty() && f.at_ms < at && f.at_ms + f.late_max_ms >= from)
      what = f.kind + " #" + std::to_string(f.n) + " at " + ms_text(f.at_ms, 0);
  if (!what.empty())
    throw std::domain_error(what + " falls while the step that brings the peer back runs (" + ms_text(from, 0) + " to " +
                            ms_text(at, 0) + "): whether it meets the peer depends on which comes first");
}

// The peer comes back at `at`: the first segment after it reaches the peer. A rebooted
// peer has no such connection and answers RST; a healed one ACKs, unless its own socket
// gave up meanwhile (tcp_v4_rcv() finds no socket: RST), and a segment racing that
// give-up is not modelled.
void apply_recovery(SidePrediction& s, const PredictionInput& in) {
  const double at = *in.recovery_ms;
  if (s.detected_after_ms && *s.detected_after_ms <= at) return;  // gave up before the peer was back
  const std::optional<FirstThrough> through = first_through(s, in, at);
  if (!through) return;
  if (in.recovery_from_ms && *in.recovery_from_ms < at) race_with_the_return(s, in, *in.recovery_from_ms, at);
  bool rst = in.recovery_answers_rst;
  std::string why = "the peer is back at " + ms_text(at, 0) + " without the connection";
  if (!rst && in.peer_gave_up_ms) {
    const double gone = *in.peer_gave_up_ms + in.peer_gave_up_late_ms;
    if (through->at_ms >= gone) {
      rst = true;
      why = "the path heals at " + ms_text(at, 0) + ", but the peer's socket gave up at " + ms_text(*in.peer_gave_up_ms, 0);
    } else if (through->at_ms + through->late_max_ms >= *in.peer_gave_up_ms) {
      throw std::domain_error("after the heal at " + ms_text(at, 0) + ", " + through->text +
                              " reaches the peer just as its own socket gives up (" + ms_text(*in.peer_gave_up_ms, 0) +
                              " to " + ms_text(gone, 0) + "): ACK or RST depends on which comes first");
    }
  }
  s.schedule.erase(through->keep_until, s.schedule.end());
  s.alternative_detected_after_ms.reset();
  s.other_phase.clear();  // the recovery cut the chain: the phase no longer decides its end
  if (rst) {
    s.detected_after_ms = through->at_ms;
    s.late_max_ms = through->late_max_ms;
    s.error = "ECONNRESET";
    s.reason = why + ": " + through->text + " reaches it and is answered with RST. Until then: " + s.reason;
  } else {
    s.detected_after_ms.reset();
    s.late_max_ms = 0;
    s.error.clear();
    s.reason = "the path heals at " + ms_text(at, 0) + ": " + through->text + " gets through and is ACKed, nothing fails. Until then: " +
               s.reason;
  }
}

// net/core/neighbour.c: an unresolved neighbour sends mcast_solicit broadcast
// probes retrans_time apart and fails after the last one; the packets queued on it
// become ICMP host-unreachable, which a connecting socket takes as fatal
// (tcp_v4_err(): SYN_SENT) and an established one as a soft error. The SYN timer
// runs meanwhile and may give up first (ETIMEDOUT).
// No usable entry for the peer at connect(): the SYN waits for broadcast ARP. A
// run that did not measure the entry assumes the client never talked to the server.
bool unresolved(const NeighbourInput& n) {
  return !n.known || !n.state || *n.state == NudState::None || *n.state == NudState::Incomplete ||
         *n.state == NudState::Failed;
}

SidePrediction arp_failure(const PredictionInput& in, double zero_ms) {
  const model::Prediction syn = model::predict_syn(in.kernel, in.socket);
  SidePrediction s = from_model(syn, zero_ms, "connect()");
  if (in.arp_probes <= 0) {
    // __neigh_event_send(): no probe to send, so the entry fails at once and drops
    // the SYN without an ICMP: only the SYN timer can end the connect().
    s.reason = "neigh.eth0.mcast_solicit=0 (ARP's or NDP's): the neighbour entry fails at once and drops every SYN "
               "without an ICMP, so the SYN timer decides. " + s.reason;
    return s;
  }
  const double retrans_ms = neigh_probe_interval_ms(in);
  const double fail_ms = zero_ms + in.arp_probes * retrans_ms;
  // Each probe re-arms the neighbour timer, so the wheel's lateness adds up.
  const double late_ms = in.arp_probes * double(model::timer_wheel_slack_us(in.kernel.hz, int64_t(retrans_ms * 1000))) / 1e3;
  const double tick_ms = 1000.0 / in.kernel.hz;
  if (s.detected_after_ms) {
    const double syn_lo = *s.detected_after_ms, syn_hi = syn_lo + s.late_max_ms;
    if (syn_hi < fail_ms - tick_ms) {
      s.reason = "the SYN timer gives up before the neighbour entry fails (" + std::to_string(in.arp_probes) + " probes " +
                 ms_text(retrans_ms, 0) + " apart, at " + ms_text(fail_ms, 0) + "): " + s.reason;
      return s;
    }
    if (syn_lo <= fail_ms + late_ms + tick_ms)
      return not_modelled("the SYN timer gives up at " + ms_text(syn_lo, 0) + " (ETIMEDOUT) just as the neighbour entry fails at " +
                          ms_text(fail_ms, 0) + " (EHOSTUNREACH): whichever timer runs first decides (tcp_syn_retries, "
                          "TCP_SYNCNT, TCP_USER_TIMEOUT against neigh mcast_solicit x retrans_time_ms)");
  }
  s.detected_after_ms = fail_ms;
  s.late_max_ms = late_ms;
  // With the defaults both timers tick once a second from the same moment, so a
  // SYN retransmission can fall on the neighbour's give-up: whichever timer the
  // wheel runs first wins, and that firing may or may not happen.
  std::erase_if(s.schedule, [&](const PredictedFiring& f) { return f.at_ms > fail_ms + s.late_max_ms; });
  for (auto& f : s.schedule) {
    f.optional = f.at_ms + f.late_max_ms >= fail_ms;
    // Before the entry fails the first SYN still waits in its queue, so the timer's
    // attempts find their copy in the host and send nothing (__tcp_retransmit_skb():
    // -EBUSY); kernels since about 6.17 still report them to the tracepoint.
    if (!f.optional) f.kind = "syn_retransmit_held";
  }
  // tcp_v4_err() tries an RFC 6069 revert first (tcp_ld_RTO_revert): once the SYN's
  // backoff has begun (more retransmissions than tcp_syn_linear_timeouts), the
  // queued SYN is older than the reverted RTO, so tcp_retransmit_timer() runs at
  // once - one more SYN retransmission attempt, at the failure itself.
  // The queue is flushed by then, so it sends (seen on 6.18 with mcast_solicit=10).
  // Without the revert the timer's own firing races the failure: it may send or not
  // (with the defaults one was sent on 6.1, none on 6.12 and 6.18: docs/kernels.md).
  const auto sure = std::count_if(s.schedule.begin(), s.schedule.end(), [](const PredictedFiring& f) { return !f.optional; });
  // A timer firing racing the failure leaves the revert nothing certain either: on 6.1
  // (no linear phase) with the defaults, 3 runs of 3 sent nothing at the failure.
  const bool races = std::any_of(s.schedule.begin(), s.schedule.end(), [](const PredictedFiring& f) { return f.optional; });
  const int linear = in.kernel.tcp_syn_linear_timeouts;
  if (int(s.schedule.size()) > linear)
    s.schedule.push_back({"syn_retransmit", int(s.schedule.size()) + 1, fail_ms, late_ms, sure <= linear || races});
  s.alternative_detected_after_ms.reset();
  s.other_phase.clear();
  s.error = "EHOSTUNREACH";
  s.reason = "nobody answers ARP: the neighbour entry fails after " + std::to_string(in.arp_probes) + " probes " +
             ms_text(retrans_ms, 0) + " apart, and the ICMP host-unreachable for the queued SYN is fatal in SYN_SENT "
             "(the SYN retransmissions before it wait in the neighbour queue)";
  return s;
}

SidePrediction modelled_side(const PredictionInput& in) {
  if (in.peer == PredictionInput::Peer::Other) return not_modelled(in.not_modelled);
  if (in.peer == PredictionInput::Peer::Acking) {
    // A live peer with its window closed answers a probe at most every
    // tcp_invalid_ratelimit (500 ms by default): probes closer than that count as unanswered.
    if (in.zero_window_backoff && (int64_t{200} << std::min(in.kernel.tcp_retries2, 20)) < 500)
      return not_modelled("the peer's window is closed and tcp_retries2=" + std::to_string(in.kernel.tcp_retries2) +
                          " keeps the probes closer than the peer's ACK rate limit (tcp_invalid_ratelimit): the "
                          "probe count can reach tcp_retries2 while the peer lives");
    SidePrediction s;
    s.reason = "the peer's kernel still ACKs (the process is frozen, not the host): no timer expires";
    return s;
  }
  if (in.peer_after_idle_ms)
    if (auto before = before_the_idle_timeout(in)) return *before;
  if (in.peer == PredictionInput::Peer::AnswersRst) return answered_with_rst(in);
  SidePrediction s;
  if (in.connect_ms) {
    if (in.peer == PredictionInput::Peer::Silent && unresolved(in.neighbour)) return arp_failure(in, *in.connect_ms);
    s = from_model(model::predict_syn(in.kernel, in.socket), *in.connect_ms, "connect()");
  } else if (in.zero_window_backoff && in.close_ms) {
    return not_modelled("the application closed a socket whose peer's window is closed: an orphan's zero-window "
                        "probes end by tcp_orphan_retries, which the model does not follow");
  } else if (in.zero_window_backoff && in.last_recv_ms) {
    // A send into a closed window only queues: the probe timer decides, not the RTO.
    s = from_model(model::predict_zero_window(in.kernel, in.socket, {in.flight.rto_us, *in.zero_window_backoff}),
                   *in.last_recv_ms, "the last ACK received, which re-armed the probe timer");
  } else if (in.close_ms) {
    // Closed (after a send, or idle): the orphan's FIN, and any data before it, go
    // unanswered; tcp_orphan_retries, not tcp_retries2, bounds it. No application
    // is left to see the error, so the side's "detection" is its socket's end.
    const bool sent_first = in.send_ms && *in.send_ms <= *in.close_ms;
    s = from_model(model::predict_orphan_retransmission(in.kernel, in.socket, in.flight),
                   sent_first ? *in.send_ms : *in.close_ms, sent_first ? "the first send after the fault" : "close()");
    s.error.clear();
  } else if (in.send_ms) {
    s = from_model(model::predict_data_retransmission(in.kernel, in.socket, in.flight), *in.send_ms,
                   "the first send after the fault");
  } else if (in.last_recv_ms) {
    s = from_model(model::predict_keepalive(in.kernel, in.socket), *in.last_recv_ms,
                   "the last segment received from the peer");
  } else {
    s.reason = "nothing to send and no keepalive: the kernel has no timer running and never notices";
    return s;
  }
  if (in.recovery_ms) apply_recovery(s, in);
  // The first packet after the fault: the send or the SYN, else the first probe.
  const bool queued_only = in.zero_window_backoff.has_value();  // a send into a closed window sends nothing
  const double first_tx = in.connect_ms   ? *in.connect_ms
                          : in.send_ms && !queued_only ? *in.send_ms
                          : in.close_ms   ? *in.close_ms
                          : s.schedule.empty() ? 0.0
                                               : s.schedule.front().at_ms;
  return within_neighbour_horizon(std::move(s), in, first_tx);
}
}  // namespace

SidePrediction not_modelled(const std::string& why) {
  SidePrediction s;
  s.not_modelled = why;
  s.reason = "not modelled: " + why;
  return s;
}

SidePrediction predict_side(const PredictionInput& in) {
  try {
    return modelled_side(in);
  } catch (const std::invalid_argument& e) {
    // Settings the model's rules refuse (e.g. a keepalive time of 0): not a prediction.
    return not_modelled(e.what());
  } catch (const std::domain_error& e) {
    return not_modelled(e.what());
  }
}

}  // namespace crashlab::runner
