#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "runner/case_result.hpp"

namespace crashlab {

// The stable result format (docs/results.md); bump when a field changes meaning.
constexpr int kResultSchemaVersion = 1;

nlohmann::json to_json(const CaseResult& r);
// Writes DIR/<case-name-with-dashes>-<timestamp>.json and returns its path.
std::string write_result(const CaseResult& r, const std::string& dir);

}  // namespace crashlab
