#include "runner/predict/neighbour_horizon.hpp"

#include <algorithm>
#include <initializer_list>

#include "runner/ms_text.hpp"

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

double probing_ms(const PredictionInput& in) { return in.neighbour.ucast_probes * in.arp_retrans_ms; }

std::string probing_text(const PredictionInput& in) {
  return "ucast_solicit " + std::to_string(in.neighbour.ucast_probes) + " x retrans_time " + ms_text(in.arp_retrans_ms, 0);
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
  if (!h || s.schedule.empty()) return s;
  double last_tx = first_tx_ms;
  for (const PredictedFiring& f : s.schedule) last_tx = std::max(last_tx, f.at_ms + f.late_max_ms);
  if (last_tx < h->fails_from_ms) return s;
  SidePrediction out;
  out.time_zero = s.time_zero;
  out.reason = "not modelled: the peer answers no ARP, and the survivor's neighbour entry for it can be FAILED from " +
               s_text(h->fails_from_ms) + " on (" + h->why + "); the transmissions TCP still makes until " +
               s_text(last_tx) + " would then wait for broadcast ARP nobody answers, ending in EHOSTUNREACH and a " +
               "reverted RTO backoff (RFC 6069), which the model does not compute. TCP's timers alone: " + s.reason;
  return out;
}

}  // namespace crashlab::runner
