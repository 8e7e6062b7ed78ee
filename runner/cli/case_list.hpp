#pragma once
// The cases a command works on: every case file under the given paths, with the
// --set overrides applied. Throws CaseError naming the file and field.
#include <string>
#include <vector>

#include "runner/case/case_files.hpp"
#include "runner/case/overrides.hpp"

namespace crashlab::runner::cli {

std::vector<CaseSpec> load_cases(const std::vector<std::string>& paths, const std::vector<std::string>& sets);

}  // namespace crashlab::runner::cli
