#pragma once
// Runs a Simulator over every timer-wheel phase and turns the outcomes into a
// Prediction: the majority outcome, its spread, and the neighbouring outcome.

#include <functional>
#include <string>

#include "model/run.hpp"
#include "model/tcp_model.hpp"

namespace crashlab::model::detail {

struct AlternativePolicy {
  bool earlier = true;  // a deadline check may pass one firing early (lateness, margin)
  bool later = false;   // ... or one firing late (only where the RTO itself is uncertain)
};

// Builds the rule sentence(s) from the majority run and the ideal-timer run.
using Explainer = std::function<std::string(const Run& majority, const Run& nominal)>;

Prediction assemble(const Simulator&, int hz, bool wheel, AlternativePolicy, const Explainer&,
                    const std::string& error);

}  // namespace crashlab::model::detail
