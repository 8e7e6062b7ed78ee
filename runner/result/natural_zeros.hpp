#pragma once
#include <map>
#include <optional>

#include "runner/run/measurement.hpp"

namespace crashlab::runner {

// The moments a side's detection time is worth counting from, besides the fault: an
// engineer asks "how long after my send", "how long after I last heard from it".
enum class NaturalZero {
  Fault,         // the fault's injection
  FirstSend,     // the side's first send after the fault
  LastReceived,  // the last segment (data or ACK) the side received before the fault (TCP_INFO)
  Connect,       // the side's connection came up (its first ESTABLISHED), or the connect() after the fault
};
inline constexpr NaturalZero kNaturalZeros[] = {NaturalZero::Fault, NaturalZero::FirstSend, NaturalZero::LastReceived,
                                               NaturalZero::Connect};
// "fault", "first_send", "last_received", "connect": the result file's keys.
const char* natural_zero_name(NaturalZero z);

// Each zero the side had, CLOCK_MONOTONIC. Pure.
std::map<NaturalZero, int64_t> natural_zeros(const Measurement& m, Role role);

// The side's detection (or its orphan's end) in ms from each of its zeros; empty when
// it detected nothing. A zero after the detection is left out. Pure.
std::map<NaturalZero, double> detected_from(const Measurement& m, Role role);

}  // namespace crashlab::runner
