#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "runner/json/fields.hpp"  // InputError

namespace crashlab::runner {

// The deepest nesting an input file may have: deeper values are refused before
// any recursive code (dump, comparison) could run out of stack on them.
inline constexpr int kMaxJsonDepth = 64;

// Parses JSON text strictly: syntax errors, numbers that do not fit a double or
// an integer (1E400, 400 digits), duplicate keys and nesting deeper than
// kMaxJsonDepth are InputErrors naming `source` and the field where they occur.
nlohmann::json parse_strict_json(std::string_view text, const std::string& source);

}  // namespace crashlab::runner
