#pragma once
// A result file's JSON, read into what the report draws.
#include <nlohmann/json.hpp>
#include <string>

#include "runner/report/result.hpp"

namespace crashlab::runner::report {

// Throws std::invalid_argument "<file>: <field>: <why>" when a field the report
// uses is missing or of the wrong type.
Result read_result(const nlohmann::json& j, const std::string& file);

}  // namespace crashlab::runner::report
