#pragma once
#include <nlohmann/json.hpp>

#include "runner/result/case_result.hpp"

namespace crashlab::runner {

// sides.<role>.neighbour and the top-level arp list (docs/results.md). Pure.
nlohmann::json neighbour_json(const SideResult& s, int64_t fault_t_ns);
nlohmann::json arp_json(const std::vector<ArpPacket>& arp, int64_t fault_t_ns);

// How the timeline words them: "STALE 10.77.0.2 at 02:cc:00:02:00:00",
// "who-has 10.77.0.2 tell 10.77.0.1 (broadcast)".
std::string neighbour_event_text(const NeighbourEvent& e);
std::string arp_text(const ArpPacket& p);

}  // namespace crashlab::runner
