#pragma once
#include <nlohmann/json.hpp>

#include "runner/case/case_spec.hpp"
#include "runner/predict/prediction_input.hpp"
#include "runner/run/measurement.hpp"

namespace crashlab::runner {

// Merges what each observer saw into one timeline (times in ms after the fault;
// docs/results.md): the fault and its recovery, each side's state changes, the
// kernel's retransmissions (paired with the model's firings), resets and error
// reports, each side's neighbour entry for its peer and the ARP frames, and the
// application's outcomes. Pure.
nlohmann::json build_timeline(const CaseSpec& spec, const Measurement& m, const Predictions& predicted);

}  // namespace crashlab::runner
