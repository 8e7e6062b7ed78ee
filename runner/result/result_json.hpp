#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "runner/result/case_result.hpp"

namespace crashlab::runner {

// The stable result format (docs/results.md); bump when a field changes meaning.
constexpr int kResultSchemaVersion = 1;

nlohmann::json to_json(const CaseResult& r);
// "<case-name-with-dashes>-<UTC timestamp>", unique per run of a case.
std::string result_basename(const std::string& case_name);
// Writes DIR/<basename>.json and returns its path.
std::string write_result(const CaseResult& r, const std::string& dir);

}  // namespace crashlab::runner
