#pragma once
// How the report shows event kinds and TCP states: short names and colours.
#include <string>

namespace crashlab::runner::report {

std::string short_kind(const std::string& kind);      // "retransmit" -> "RTO"; unknown kinds as they are
std::string kind_colour(const std::string& kind);     // a tick's colour
std::string state_colour(const std::string& state);   // a band's colour
bool is_firing(const std::string& kind);              // a timer's retransmission or probe
bool emits_segment(const std::string& kind);          // a firing or a RST sent

}  // namespace crashlab::runner::report
