#pragma once
#include <optional>
#include <string>

#include "runner/predict/prediction.hpp"

namespace crashlab::runner {

// How soon the survivor's neighbour entry for a peer that answers no ARP (a dead
// host, a full partition) can be FAILED, in ms after the fault, from its state at
// the fault (net/core/neighbour.c): REACHABLE lasts at least
// base_reachable_time/2 after its confirmation, then DELAY for
// delay_first_probe_time, then PROBE sends ucast_solicit unicast probes
// retrans_time apart; STALE starts DELAY at its first packet; an entry that is
// absent, INCOMPLETE or FAILED makes the first packet wait for broadcast ARP.
// `first_tx_ms`: the survivor's first transmission after the fault.
struct NeighbourHorizon {
  double fails_from_ms = 0;
  std::string why;  // which rule, with its numbers
};
// nullopt: the entry cannot fail (the peer answers ARP, NOARP/PERMANENT, or the
// state was not measured). Pure.
std::optional<NeighbourHorizon> neighbour_horizon(const PredictionInput& in, double first_tx_ms);

// TCP's timers decide only while no transmission meets a failed entry: after
// that a packet waits for broadcast ARP, the failure reports EHOSTUNREACH and
// reverts the RTO backoff (RFC 6069), which the model does not compute. A
// prediction with a transmission at or after the horizon becomes "not modelled".
SidePrediction within_neighbour_horizon(SidePrediction s, const PredictionInput& in, double first_tx_ms);

}  // namespace crashlab::runner
