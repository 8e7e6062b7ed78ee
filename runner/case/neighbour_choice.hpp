#pragma once
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace crashlab::runner {

// What a side's neighbour entry for its peer (ARP, or NDP for IPv6) is just
// before the fault: a case input (docs/case-format.md, "neighbour_at_fault").
enum class NeighbourChoice {
  Reachable,  // confirmed REACHABLE, as after recent two-way traffic: a connection in use
  Stale,      // STALE: the MAC is known but unconfirmed (an idle connection's aged entry)
  Absent,     // no entry: the first packet resolves with broadcast ARP
  Untouched,  // as the connection's handshake left it (crashlab does nothing)
};

std::string_view neighbour_choice_name(NeighbourChoice c);  // "reachable"
std::optional<NeighbourChoice> parse_neighbour_choice(std::string_view name);
const std::set<std::string>& neighbour_choice_names();

}  // namespace crashlab::runner
