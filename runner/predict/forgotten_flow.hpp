#pragma once
#include <map>
#include <optional>

#include "runner/predict/prediction.hpp"

namespace crashlab::runner {

// A router that forgot the flow (conntrack flushed, or its entry idle past the
// timeout) and drops or resets what comes next. Pure.

// Before the idle timeout (PredictionInput::peer_after_idle_ms) the path works: a
// side whose first segment crosses well before it keeps the flow alive when that
// segment is a keepalive probe (its answer renews the entry, and so does every
// probe after it); near the timeout, or a send before it, is "not modelled".
// nullopt: the first segment comes after the timeout (or there is none), so the
// forgotten flow's rules apply as if the router had forgotten it at the fault.
std::optional<SidePrediction> before_the_idle_timeout(const PredictionInput& in);

// When this side's first segment after the fault crosses the router (its send, its
// close's FIN or its first keepalive probe), in ms after the fault; nullopt: none.
std::optional<double> first_crossing(const PredictionInput& in);

// Before each side is predicted: tells each side behind an idle timeout when the
// other side's first segment crosses.
void share_the_flow(std::map<Role, PredictionInput>& inputs);

// Peer::AnswersRst: the first segment after the fault is answered with a reset:
// ECONNRESET then (a keepalive probe's reset too), an orphan's FIN ends it.
SidePrediction answered_with_rst(const PredictionInput& in);

}  // namespace crashlab::runner
