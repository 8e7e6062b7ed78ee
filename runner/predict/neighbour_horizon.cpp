#include "runner/predict/neighbour_horizon.hpp"

#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include "runner/ms_text.hpp"
#include "runner/predict/neighbour.hpp"

namespace crashlab::runner {

namespace {
std::string s_text(double ms) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f s", ms / 1000);
  return b;
}

// One row per state the entry can be in at the fault.
struct HorizonRule {
  std::initializer_list<std::optional<NudState>> states;
  NeighbourHorizon (*from)(const PredictionInput& in, double first_tx_ms);
};

double probing_ms(const PredictionInput& in) { return in.neighbour.ucast_probes * neigh_probe_interval_ms(in); }

std::string probing_text(const PredictionInput& in) {
  return "ucast_solicit " + std::to_string(in.neighbour.ucast_probes) + " x retrans_time " + ms_text(neigh_probe_interval_ms(in), 0);
}

const HorizonRule kRules[] = {
    {{NudState::Reachable},
     [](const PredictionInput& in, double) {
       const NeighbourInput& n = in.neighbour;
       return NeighbourHorizon{n.since_ms + n.base_reachable_ms / 2 + n.delay_first_probe_ms + probing_ms(in),
                               "REACHABLE at the fault: base_reachable_time/2 " + ms_text(n.base_reachable_ms / 2, 0) +
                                   " + delay_first_probe_time " + ms_text(n.delay_first_probe_ms, 0) + " + " +
                                   probing_text(in)};
     }},
    {{NudState::Stale},
     [](const PredictionInput& in, double first_tx) {
       return NeighbourHorizon{std::max(0.0, first_tx) + in.neighbour.delay_first_probe_ms + probing_ms(in),
                               "STALE at the fault: from its first packet, delay_first_probe_time " +
                                   ms_text(in.neighbour.delay_first_probe_ms, 0) + " + " + probing_text(in)};
     }},
    {{NudState::Delay},
     [](const PredictionInput& in, double) {
       return NeighbourHorizon{in.neighbour.since_ms + probing_ms(in),
                               "DELAY at the fault (it may turn PROBE at once): " + probing_text(in)};
     }},
    {{NudState::Probe},
     [](const PredictionInput& in, double) {
       return NeighbourHorizon{in.neighbour.since_ms, "PROBE at the fault: it may fail at any moment"};
     }},
    {{std::nullopt, NudState::None, NudState::Incomplete, NudState::Failed},
     [](const PredictionInput&, double first_tx) {
       return NeighbourHorizon{std::max(0.0, first_tx), "unresolved at the fault: its first packet waits for broadcast ARP"};
     }},
};
}  // namespace

std::optional<NeighbourHorizon> neighbour_horizon(const PredictionInput& in, double first_tx_ms) {
  if (in.peer != PredictionInput::Peer::Silent || !in.neighbour.known) return std::nullopt;
  for (const HorizonRule& r : kRules)
    if (std::find(r.states.begin(), r.states.end(), in.neighbour.state) != r.states.end()) return r.from(in, first_tx_ms);
  return std::nullopt;  // NOARP, PERMANENT: never probed
}

SidePrediction within_neighbour_horizon(SidePrediction s, const PredictionInput& in, double first_tx_ms) {
  const auto h = neighbour_horizon(in, first_tx_ms);
  if (!h) return s;
  // A packet sent on a failed entry waits in a fresh INCOMPLETE one for
  // mcast_solicit broadcast probes; only their failure (or, where the peer is back
  // with a MAC nobody announced, their answer) changes what TCP sees. A give-up
  // before that is still TCP's own.
  const bool answered = in.peer_back_unannounced_ms.has_value();
  const double wait_ms = answered ? 0 : in.arp_probes * neigh_probe_interval_ms(in);
  const double give_up = s.detected_after_ms.value_or(1e300);
  std::vector<std::pair<std::string, double>> sent = {{"the first packet", first_tx_ms}};
  for (const PredictedFiring& f : s.schedule) sent.push_back({f.kind + " #" + std::to_string(f.n), f.at_ms + f.late_max_ms});
  for (const auto& [what, at] : sent) {
    if (at < h->fails_from_ms || at + wait_ms >= give_up) continue;
    SidePrediction out;
    out.time_zero = s.time_zero;
    out.timers_alone_ms = s.detected_after_ms;
    out.late_max_ms = s.late_max_ms;
    out.not_modelled = "the peer answers no ARP, and the survivor's neighbour entry for it can be FAILED from " +
                 s_text(h->fails_from_ms) + " on (" + h->why + "); " + what + " at " + s_text(at) +
                 " would wait for a broadcast ARP " +
                 (answered ? "that the peer, back with a new MAC, answers (RST)"
                           : "whose failure " + ms_text(wait_ms, 0) + " later ends in EHOSTUNREACH and a reverted RTO "
                             "backoff (RFC 6069)") +
                 ", which the model does not compute; shorten the chain (tcp_retries2, TCP_USER_TIMEOUT, tcp_rto_min_us) "
                 "to stay under it. TCP's timers alone: " + s.reason;
    out.reason = "not modelled: " + out.not_modelled;
    return out;
  }
  return s;
}

}  // namespace crashlab::runner
