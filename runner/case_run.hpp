#pragma once
#include "runner/case_result.hpp"
#include "runner/case_spec.hpp"

namespace crashlab {

// Builds the case's world, runs it, tears it down, and judges it. Never throws
// for a scenario that misbehaves: infrastructure errors come back as verdict
// "error" with the message.
struct RunOptions {
  std::string out_dir = "results";  // where a packet capture goes (beside the result)
  bool pcap = false;                // keep the capture even when the case passes
};
CaseResult run_case(const CaseSpec& spec, const RunOptions& opts = {});

// A server port no other case of this process uses, so that concurrent cases'
// tracepoint filters never see each other's connections.
uint16_t allocate_port();

}  // namespace crashlab
