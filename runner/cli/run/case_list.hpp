#pragma once
// The cases a command works on: every case file under the given paths, with the
// --set overrides applied, one per address family it holds in (or only `ip`'s,
// run --ip). Throws CaseError naming the file and field.
#include <optional>
#include <string>
#include <vector>

#include "runner/case/case_files.hpp"
#include "runner/case/overrides.hpp"

namespace crashlab::runner::cli {

std::vector<CaseSpec> load_cases(const std::vector<std::string>& paths, const std::vector<std::string>& sets,
                                 const std::optional<std::string>& ip = {});

}  // namespace crashlab::runner::cli
