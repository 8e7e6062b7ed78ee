#pragma once
#include <functional>
#include <string>
#include <vector>

#include "runner/predict/prediction.hpp"

namespace crashlab::runner {

// The model's firings that a tcp_retransmit_skb tracepoint shows (keepalive probes don't).
bool is_retransmission(const std::string& firing_kind);
std::vector<PredictedFiring> predicted_retransmissions(const SidePrediction& p);

// Pairs each predicted firing with the first later observed one (ms after the
// fault) inside its window; -1 where none is. One missing observation then
// leaves one firing unpaired instead of shifting every pairing after it.
std::vector<int> pair_firings(const std::vector<PredictedFiring>& predicted, const std::vector<double>& observed_ms,
                              const std::function<bool(const PredictedFiring&, double)>& in_window);

}  // namespace crashlab::runner
