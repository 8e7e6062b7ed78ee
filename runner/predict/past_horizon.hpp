#pragma once
// Data retransmissions that run past the neighbour horizon (neighbour_horizon.hpp).
// When the survivor's entry for a peer that answers no ARP fails depends on its
// random reachable_time, so any retransmission that can go out at or after the
// horizon may be the first one sent on a failed entry. The model
// (model::NeighbourFailure: each such retransmission waits for broadcast ARP, whose
// ICMP reports EHOSTUNREACH and reverts one step of backoff, RFC 6069) runs once for
// each: together the runs bound what the kernel does.
#include <optional>
#include <string>
#include <vector>

#include "runner/predict/neighbour_horizon.hpp"

namespace crashlab::runner {

struct DataPastHorizon {
  NeighbourHorizon horizon;  // after the fault
  double arp_wait_ms = 0;    // a segment on the failed entry waits this long for its ICMP
  // One per retransmission that may be the first on a failed entry, model time
  // (time zero the send), in the order of the retransmissions.
  std::vector<model::Prediction> chains;
  // Not empty: the send or the tail loss probe itself may meet the failed entry,
  // which the model does not cover (chains is then empty); why.
  std::string not_covered;
};

// `in`: data sent into silence (send_ms, Peer::Silent, the entry read back);
// `alone`: the model's chain for it (predict_data_retransmission(in.kernel,
// in.socket, in.flight)). nullopt: the entry cannot fail, or every transmission
// comes before it can.
std::optional<DataPastHorizon> data_past_horizon(const PredictionInput& in, const model::Prediction& alone);

}  // namespace crashlab::runner
