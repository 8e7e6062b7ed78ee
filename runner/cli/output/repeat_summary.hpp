#pragma once
// `run --repeat N`: one block per case after the individual results, with how
// many runs passed and the spread of each side's detection.
#include <string>
#include <vector>

#include "runner/result/case_result.hpp"
#include "runner/table.hpp"

namespace crashlab::runner::cli {

// Cases in order of first appearance; "" when no case ran more than once. Pure.
std::string render_repeat_summary(const std::vector<const CaseResult*>& finished, const RowStyle& style = {});

}  // namespace crashlab::runner::cli
