#pragma once
#include <optional>
#include <string>

#include "runner/case_result.hpp"
#include "runner/prediction.hpp"
#include "runner/world.hpp"

namespace crashlab {

// The model's inputs for one side, read from what the case measured: the
// effective sysctls and socket options, TCP_INFO at the fault, the first send or
// connect() after it. nullopt for a side the fault itself hit.
std::optional<PredictionInput> prediction_input(World& w, const CaseResult& res, const std::string& role);

model::KernelParams kernel_params(const std::map<std::string, std::string>& sysctls, int hz);
model::SocketParams socket_params(const nlohmann::json& options);

}  // namespace crashlab
