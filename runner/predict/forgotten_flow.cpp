#include "runner/predict/forgotten_flow.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "runner/case/roles.hpp"
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

enum class What { Send, Fin, Probe };
struct Crossing {
  double at_ms = 0, late_ms = 0;
  What what = What::Send;
};
const char* text(What w) {
  return w == What::Send ? "the first send" : w == What::Fin ? "the FIN of close()" : "the first keepalive probe";
}

// This side's first segment after the fault: its send, its FIN or its first keepalive
// probe, whichever comes first. nullopt: it sends nothing.
std::optional<Crossing> first_crossing_of(const PredictionInput& in) {
  std::vector<Crossing> c;
  if (in.send_ms) c.push_back({*in.send_ms, 0, What::Send});
  if (in.close_ms) c.push_back({*in.close_ms, 0, What::Fin});
  if (in.socket.keepalive) {
    const PredictedFiring p = first_probe(in);
    c.push_back({p.at_ms, p.late_max_ms, What::Probe});
  }
  if (c.empty()) return std::nullopt;
  return *std::min_element(c.begin(), c.end(), [](const Crossing& a, const Crossing& b) { return a.at_ms < b.at_ms; });
}

// After a probe the keepalive timer is re-armed TCP_KEEPINTVL ahead, and once an
// answer came it waits TCP_KEEPIDLE from that answer: the longest the flow is idle.
double keepalive_gap_ms(const PredictionInput& in) {
  const int idle = in.socket.keepidle_s.value_or(in.kernel.tcp_keepalive_time_s);
  const int intvl = in.socket.keepintvl_s.value_or(in.kernel.tcp_keepalive_intvl_s);
  return 1000.0 * std::max(idle, intvl);
}
}  // namespace

std::optional<double> first_crossing(const PredictionInput& in) {
  try {
    if (auto c = first_crossing_of(in)) return c->at_ms;
  } catch (const std::exception&) {
    // settings the model refuses: that side's own prediction says so
  }
  return std::nullopt;
}

void share_the_flow(std::map<Role, PredictionInput>& inputs) {
  for (auto& [role, in] : inputs) {
    if (!in.peer_after_idle_ms) continue;
    const auto peer = inputs.find(other(role));
    if (peer != inputs.end()) in.other_side_crosses_ms = first_crossing(peer->second);
  }
}

std::optional<SidePrediction> before_the_idle_timeout(const PredictionInput& in) {
  const double timeout = *in.peer_after_idle_ms;
  // A new connection's SYN makes an entry of its own.
  if (in.connect_ms) return not_modelled("a new connection's SYN makes a new conntrack entry: no idle timeout applies to it");
  // conntrack's expiry is exact to a jiffy, counted from the flow's last segment,
  // which this side's last received one stands for (its own last ACK follows within
  // a round trip); what is uncertain is how late a timer sends the first segment.
  const double idle_from = std::min(0.0, in.last_recv_ms.value_or(0));
  const double expires = idle_from + timeout;
  const std::optional<Crossing> first = first_crossing_of(in);
  if (!first) return std::nullopt;  // nothing crosses: no timer runs either way
  const double margin = std::max(100.0, 0.02 * timeout) + first->late_ms;
  const std::string times = std::string(text(first->what)) + " at " + ms_text(first->at_ms, 0) +
                            " after the fault, the router's entry idle since " + ms_text(idle_from, 0) +
                            " expiring at " + ms_text(expires, 0);
  if (first->what == What::Probe && first->at_ms + margin <= expires) {
    const double gap = keepalive_gap_ms(in);
    if (gap + margin > timeout)
      return not_modelled(times + ", so the first probe crosses in time, but later probes come up to " + ms_text(gap, 0) +
                          " apart (max(TCP_KEEPIDLE, TCP_KEEPINTVL)), near or past the timeout");
    SidePrediction s;
    s.reason = "keepalive keeps the flow: " + times + ", so the probe crosses in time; its answer renews the entry, and "
               "no later probe comes more than max(TCP_KEEPIDLE, TCP_KEEPINTVL) = " + ms_text(gap, 0) +
               " after the last, inside the timeout, so a later send gets through too: no timer gives up";
    return s;
  }
  // The entry is the flow's, not this side's: the other side's segment renews it too.
  if (in.other_side_crosses_ms && *in.other_side_crosses_ms < expires + margin)
    return not_modelled("the other side's first segment crosses at " + ms_text(*in.other_side_crosses_ms, 0) +
                        ", before the router's entry expires at " + ms_text(expires, 0) +
                        ", and renews it for both sides: what then reaches the router is not computed");
  if (first->at_ms >= expires + margin) return std::nullopt;
  return not_modelled(times + (first->at_ms < expires ? ": it crosses while the entry lives, and what the flow does "
                                                        "after it is not computed"
                                                      : ": too close to the expiry to say which side of it the segment "
                                                        "falls on"));
}

SidePrediction answered_with_rst(const PredictionInput& in) {
  SidePrediction s;
  if (in.connect_ms) return not_modelled("a new connection's SYN makes a new conntrack entry: the router lets it through");
  const std::optional<Crossing> first = first_crossing_of(in);
  if (!first) {
    s.reason = "nothing to send and no keepalive: no segment reaches the router, and nothing tells this side";
    return s;
  }
  s.detected_after_ms = first->at_ms;
  s.late_max_ms = first->late_ms;
  switch (first->what) {
    case What::Fin:
      s.time_zero = "close() (" + ms_text(first->at_ms, 0) + " after the fault)";
      s.reason = "the router answers the orphan's FIN with a reset: the socket is gone at once, with no application "
                 "to see it";
      return s;
    case What::Send:
      s.time_zero = "the first send after the fault (" + ms_text(first->at_ms, 0) + " after the fault)";
      s.error = "ECONNRESET";
      s.reason = "the router answers the first segment of the flow it forgot with a TCP reset: ECONNRESET within a "
                 "round trip of the send, nothing retransmitted";
      return s;
    case What::Probe:
      s.time_zero = "the last segment received from the peer (" + ms_text(in.last_recv_ms.value_or(0), 0) +
                    " after the fault)";
      s.schedule.push_back({"keepalive_probe", 1, first->at_ms, first->late_ms});
      s.error = "ECONNRESET";
      s.reason = "the router answers the first keepalive probe with a TCP reset: ECONNRESET at that probe";
      return s;
  }
  return s;
}

}  // namespace crashlab::runner
