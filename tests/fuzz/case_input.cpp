#include "tests/fuzz/case_input.hpp"

#include <string>

#include "runner/case/case_parse.hpp"
#include "runner/case/overrides.hpp"
#include "runner/json/strict_json.hpp"

namespace crashlab::runner {

namespace {
constexpr std::string_view kSetPrefix = "--set ";

// A valid case for --set strings to act on.
CaseSpec base_case() {
  static const CaseSpec base = parse_case(parse_strict_json(R"({
    "description": "fuzzing base",
    "fault": {"type": "host-crash", "target": "client"},
    "after_fault": [{"role": "server", "do": "send", "bytes": 100}],
    "window_ms": 5000,
    "expect": {"server": {"app": ["SENT", "ETIMEDOUT"]}}
  })", "fuzz-base"), "fuzz-base", "fuzz-base");
  return base;
}
}  // namespace

FuzzVerdict fuzz_case_input(std::string_view input) {
  try {
    if (input.substr(0, kSetPrefix.size()) == kSetPrefix) {
      std::string assignment(input.substr(kSetPrefix.size()));
      if (auto nl = assignment.find('\n'); nl != std::string::npos) assignment.resize(nl);
      CaseSpec spec = base_case();
      apply_override(spec, assignment);
    } else {
      parse_case(parse_strict_json(input, "fuzz.json"), "fuzz.json", "fuzz");
    }
    return FuzzVerdict::Accepted;
  } catch (const InputError&) {
    return FuzzVerdict::Refused;
  }
}

}  // namespace crashlab::runner
