#pragma once
#include <string>
#include <vector>

#include "runner/result/case_result.hpp"

namespace crashlab {

// The per-case block the terminal shows: fault, each side's states, what the
// application saw, detection time, expected window, verdict.
std::string render_case(const CaseResult& r);
// One line per case, for the end of a run.
std::string render_summary(const std::vector<CaseResult>& results);

}  // namespace crashlab
