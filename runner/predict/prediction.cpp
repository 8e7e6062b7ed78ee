#include "runner/predict/prediction.hpp"

#include "runner/ms_text.hpp"
#include "runner/predict/neighbour_horizon.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

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
  return s;
}

// The peer comes back at `at`: the first firing at or after it reaches the peer.
// A rebooted peer has no such connection and answers RST; a healed one ACKs.
void apply_recovery(SidePrediction& s, double at, bool rst) {
  if (s.detected_after_ms && *s.detected_after_ms <= at) return;  // gave up before the peer was back
  auto hit = std::find_if(s.schedule.begin(), s.schedule.end(), [&](const PredictedFiring& f) { return f.at_ms >= at; });
  if (hit == s.schedule.end()) return;
  const PredictedFiring through = *hit;
  s.schedule.erase(hit + 1, s.schedule.end());
  s.alternative_detected_after_ms.reset();
  std::string when = through.kind + " #" + std::to_string(through.n) + " at " + ms_text(through.at_ms, 0);
  if (rst) {
    s.detected_after_ms = through.at_ms;
    s.late_max_ms = through.late_max_ms;
    s.error = "ECONNRESET";
    s.reason = "the peer is back at " + ms_text(at, 0) + " without the connection: " + when +
               " reaches it and is answered with RST. Until then: " + s.reason;
  } else {
    s.detected_after_ms.reset();
    s.late_max_ms = 0;
    s.error.clear();
    s.reason = "the path heals at " + ms_text(at, 0) + ": " + when + " gets through and is ACKed, nothing fails. Until then: " +
               s.reason;
  }
}

// net/core/neighbour.c: an unresolved neighbour sends mcast_solicit broadcast
// probes retrans_time apart and fails after the last one; the packets queued on it
// become ICMP host-unreachable, which a connecting socket takes as fatal
// (tcp_v4_err(): SYN_SENT) and an established one as a soft error.
// No usable entry for the peer at connect(): the SYN waits for broadcast ARP. A
// run that did not measure the entry assumes the client never talked to the server.
bool unresolved(const NeighbourInput& n) {
  return !n.known || !n.state || *n.state == NudState::None || *n.state == NudState::Incomplete ||
         *n.state == NudState::Failed;
}

SidePrediction arp_failure(const PredictionInput& in, double zero_ms) {
  model::Prediction syn = model::predict_syn(in.kernel, in.socket);
  double fail_ms = zero_ms + in.arp_probes * in.arp_retrans_ms;
  SidePrediction s = from_model(syn, zero_ms, "connect()");
  s.detected_after_ms = fail_ms;
  // Each probe re-arms the neighbour timer, so the wheel's lateness adds up.
  s.late_max_ms = in.arp_probes * double(model::timer_wheel_slack_us(in.kernel.hz, int64_t(in.arp_retrans_ms * 1000))) / 1e3;
  // With the defaults both timers tick once a second from the same moment, so a
  // SYN retransmission can fall on the neighbour's give-up: whichever timer the
  // wheel runs first wins, and that firing may or may not happen.
  std::erase_if(s.schedule, [&](const PredictedFiring& f) { return f.at_ms > fail_ms + s.late_max_ms; });
  for (auto& f : s.schedule) f.optional = f.at_ms + f.late_max_ms >= fail_ms;
  s.alternative_detected_after_ms.reset();
  s.error = "EHOSTUNREACH";
  s.reason = "nobody answers ARP: the neighbour entry fails after " + std::to_string(in.arp_probes) + " probes " +
             ms_text(in.arp_retrans_ms, 0) + " apart, and the ICMP host-unreachable for the queued SYN is fatal in SYN_SENT "
             "(the SYN retransmissions before it wait in the neighbour queue)";
  return s;
}
}  // namespace

SidePrediction predict_side(const PredictionInput& in) {
  if (in.peer == PredictionInput::Peer::Other) {
    SidePrediction s;
    s.reason = "not modelled: " + in.not_modelled;
    return s;
  }
  if (in.peer == PredictionInput::Peer::Acking) {
    SidePrediction s;
    s.reason = "the peer's kernel still ACKs (the process is frozen, not the host): no timer expires";
    return s;
  }
  SidePrediction s;
  if (in.connect_ms) {
    if (in.peer == PredictionInput::Peer::Silent && unresolved(in.neighbour)) return arp_failure(in, *in.connect_ms);
    s = from_model(model::predict_syn(in.kernel, in.socket), *in.connect_ms, "connect()");
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
  if (in.recovery_ms) apply_recovery(s, *in.recovery_ms, in.recovery_answers_rst);
  // The first packet after the fault: the send or the SYN, else the first probe.
  const double first_tx = in.connect_ms   ? *in.connect_ms
                          : in.send_ms    ? *in.send_ms
                          : s.schedule.empty() ? 0.0
                                               : s.schedule.front().at_ms;
  return within_neighbour_horizon(std::move(s), in, first_tx);
}

}  // namespace crashlab::runner
