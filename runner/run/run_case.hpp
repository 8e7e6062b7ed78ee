#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "runner/case/case_spec.hpp"
#include "runner/result/case_result.hpp"

namespace crashlab::runner {

struct RunOptions {
  std::string out_dir = "results";  // where a packet capture goes (beside the result)
  bool pcap = false;                // keep the capture even when the case passes
  std::optional<int64_t> window_ms;  // --window: overrides the case's and the model's window
  std::function<void()> ran_up;      // called once the fault is injected (admission lets the next case start)
};

// The pipeline: plan the window (the model before the run) -> measure (build the world, run, tear down) -> predict -> judge ->
// assemble. Never throws for a scenario that misbehaves: infrastructure errors
// come back as Verdict::Error with the message.
CaseResult run_case(const CaseSpec& spec, const RunOptions& opts = {});

}  // namespace crashlab::runner
