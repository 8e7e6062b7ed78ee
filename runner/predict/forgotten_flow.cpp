#include "runner/predict/forgotten_flow.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "runner/ms_text.hpp"

namespace crashlab::runner {

namespace {
// The idle keepalive's first probe, on the fault's clock: its time and timer-wheel slack.
PredictedFiring first_probe(const PredictionInput& in) {
  const model::Prediction p = model::predict_keepalive(in.kernel, in.socket);
  if (p.schedule.empty()) throw std::domain_error("keepalive without a probe");
  const double zero = in.last_recv_ms.value_or(0);
  return {"keepalive_probe", 1, zero + double(p.schedule.front().at_us) / 1e3,
          double(p.schedule.front().late_max_us) / 1e3};
}
}  // namespace

std::optional<SidePrediction> before_the_idle_timeout(const PredictionInput& in) {
  const double timeout = *in.peer_after_idle_ms;
  // A new connection's SYN makes an entry of its own.
  if (in.connect_ms) return not_modelled("a new connection's SYN makes a new conntrack entry: no idle timeout applies to it");
  // conntrack's expiry is exact to a jiffy, counted from the flow's last segment,
  // which this side's last received one stands for (its own last ACK follows within
  // a round trip); what is uncertain is how late a timer sends the first segment.
  const double idle_from = std::min(0.0, in.last_recv_ms.value_or(0));
  const double expires = idle_from + timeout;
  struct Crossing {
    double at_ms, late_ms;
    std::string what;
  };
  std::vector<Crossing> crossings;
  if (in.send_ms) crossings.push_back({*in.send_ms, 0, "the first send"});
  if (in.close_ms) crossings.push_back({*in.close_ms, 0, "the FIN of close()"});
  if (in.socket.keepalive) {
    const PredictedFiring p = first_probe(in);
    crossings.push_back({p.at_ms, p.late_max_ms, "the first keepalive probe"});
  }
  if (crossings.empty()) return std::nullopt;  // nothing crosses: no timer runs either way
  const Crossing first = *std::min_element(crossings.begin(), crossings.end(),
                                           [](const Crossing& a, const Crossing& b) { return a.at_ms < b.at_ms; });
  const double margin = std::max(100.0, 0.02 * timeout) + first.late_ms;
  if (first.at_ms >= expires + margin) return std::nullopt;
  const std::string times = first.what + " at " + ms_text(first.at_ms, 0) + " after the fault, the router's entry idle since " +
                            ms_text(idle_from, 0) + " expiring at " + ms_text(expires, 0);
  const bool probe = first.what == "the first keepalive probe";
  if (probe && first.at_ms + margin <= expires) {
    SidePrediction s;
    s.reason = "keepalive keeps the flow: " + times + ", so the probe crosses in time; its answer renews the entry, and "
               "every later probe comes as soon after the last answer, so a later send gets through too: no timer gives up";
    return s;
  }
  return not_modelled(times + (first.at_ms < expires ? ": it crosses while the entry lives, and what the flow does after it "
                                                    "is not computed"
                                                  : ": too close to the expiry to say which side of it the segment falls on"));
}

SidePrediction answered_with_rst(const PredictionInput& in) {
  SidePrediction s;
  if (in.connect_ms) return not_modelled("a new connection's SYN makes a new conntrack entry: the router lets it through");
  if (in.close_ms && (!in.send_ms || *in.close_ms < *in.send_ms)) {
    s.detected_after_ms = *in.close_ms;
    s.time_zero = "close() (" + ms_text(*in.close_ms, 0) + " after the fault)";
    s.reason = "the router answers the orphan's FIN with a reset: the socket is gone at once, with no application to see it";
    return s;
  }
  if (in.send_ms) {
    s.detected_after_ms = *in.send_ms;
    s.time_zero = "the first send after the fault (" + ms_text(*in.send_ms, 0) + " after the fault)";
    s.error = "ECONNRESET";
    s.reason = "the router answers the first segment of the flow it forgot with a TCP reset: ECONNRESET within a round "
               "trip of the send, nothing retransmitted";
    return s;
  }
  if (in.socket.keepalive) {
    const PredictedFiring p = first_probe(in);
    s.detected_after_ms = p.at_ms;
    s.late_max_ms = p.late_max_ms;
    s.time_zero = "the last segment received from the peer (" + ms_text(in.last_recv_ms.value_or(0), 0) + " after the fault)";
    s.schedule.push_back(p);
    s.error = "ECONNRESET";
    s.reason = "the router answers the first keepalive probe with a TCP reset: ECONNRESET at that probe";
    return s;
  }
  s.reason = "nothing to send and no keepalive: no segment reaches the router, and nothing tells this side";
  return s;
}

}  // namespace crashlab::runner
