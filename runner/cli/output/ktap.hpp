#pragma once
// `crashlab run --tap`: KTAP version 1, as the kernel selftests print it.
// https://docs.kernel.org/dev-tools/ktap.html
#include <string>

#include "runner/result/case_result.hpp"

namespace crashlab::runner::cli {

// "KTAP version 1\n1..N\n"
std::string ktap_header(size_t planned);
// Every line of `text` as a "# " diagnostic line.
std::string ktap_comment(const std::string& text);
// The case's rendered block as diagnostics, then "ok N name" / "not ok N name[ # ERROR]".
std::string ktap_case(size_t number, const CaseResult& r, const std::string& block);
// A case that did not run: "ok N name # SKIP reason".
std::string ktap_skip(size_t number, const std::string& name, const std::string& reason);

}  // namespace crashlab::runner::cli
