#pragma once
// `crashlab run --junit FILE`: the run as JUnit XML (one testcase per case run).
#include <optional>
#include <string>
#include <vector>

#include "runner/result/case_result.hpp"

namespace crashlab::runner::cli {

// results[i]: nullopt for a case that did not finish (an interrupted run): skipped.
std::string junit_xml(const std::vector<std::string>& names, const std::vector<const CaseResult*>& results,
                      double wall_s);

}  // namespace crashlab::runner::cli
