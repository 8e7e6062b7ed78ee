#pragma once
// The report page: an index of the results, then a section per result with its
// timeline panels, legend, tables of sides, failures and events. Format: docs/report.md.
#include <string>
#include <vector>

#include "runner/report/result.hpp"

namespace crashlab::runner::report {

std::string page_html(const std::vector<Result>& results);

}  // namespace crashlab::runner::report
