#pragma once
#include "runner/case_result.hpp"
#include "runner/case_spec.hpp"

namespace crashlab {

// Builds the case's world, runs it, tears it down, and judges it. Never throws
// for a scenario that misbehaves: infrastructure errors come back as verdict
// "error" with the message.
CaseResult run_case(const CaseSpec& spec);

// A server port no other case of this process uses, so that concurrent cases'
// tracepoint filters never see each other's connections.
uint16_t allocate_port();

}  // namespace crashlab
