#include "runner/cli/case_list.hpp"

namespace crashlab::runner::cli {

std::vector<CaseSpec> load_cases(const std::vector<std::string>& paths, const std::vector<std::string>& sets) {
  std::vector<CaseSpec> specs;
  for (const auto& p : paths)
    for (const auto& f : find_case_files(p)) {
      specs.push_back(load_case(f));
      for (const auto& s : sets) apply_override(specs.back(), s);
    }
  if (specs.empty()) throw CaseError("no case files found in the given paths");
  return specs;
}

}  // namespace crashlab::runner::cli
