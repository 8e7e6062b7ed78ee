#pragma once
// One result on the page: its header line, timeline panels, legend, the table of
// sides, the failures and the folded event lists. Format: docs/report.md.
#include <string>

#include "runner/report/result.hpp"

namespace crashlab::runner::report {

std::string verdict_badge(Verdict v);  // "pass", "fail" or "error", coloured by the page's style
std::string run_body(const Result& r);   // everything below the result's heading

}  // namespace crashlab::runner::report
