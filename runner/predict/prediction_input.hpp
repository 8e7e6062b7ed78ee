#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/case/case_spec.hpp"
#include "runner/predict/prediction.hpp"
#include "runner/run/measurement.hpp"

namespace crashlab::runner {

// The model's inputs for one side, read from what the case measured: the
// effective sysctls and socket options, TCP_INFO at the fault, the first send or
// connect() after it. nullopt for a side the fault itself hit. Pure.
std::optional<PredictionInput> prediction_input(const CaseSpec& spec, const Measurement& m, Role role);

model::SocketParams socket_params(const SocketOptions& options);
// What the survivor faces after the fault (the fault's own answer), or "not modelled"
// where the case's router settings leave the fault's rules (a router picking up flows).
PeerAfterFault peer_after_fault(const CaseSpec& spec);
// The socket options socket_params() reads (TCP_USER_TIMEOUT, TCP_KEEPIDLE, ...).
std::vector<std::string> model_socket_options();

using Predictions = std::map<Role, SidePrediction>;

// Whether the model predicts this side: every side but the fault's target, and the
// target too where it sees its peer as its peer sees it (a two-way partition).
bool predicts_side(const CaseSpec& spec, Role role);

// The second pass after each side's own prediction: a side whose segment reaches the
// peer after a heal meets that peer's socket as the peer's prediction left it.
void meet_the_healed_peer(std::map<Role, PredictionInput>& inputs, Predictions& out);
// Every surviving side's prediction. Pure.
Predictions predict(const CaseSpec& spec, const Measurement& m);

}  // namespace crashlab::runner
