#include "runner/cli/run/case_list.hpp"

namespace crashlab::runner::cli {

std::vector<CaseSpec> load_cases(const std::vector<std::string>& paths, const std::vector<std::string>& sets,
                                 const std::optional<std::string>& ip) {
  std::vector<CaseSpec> specs;
  for (const auto& p : paths)
    for (const auto& f : find_case_files(p))
      for (CaseSpec& spec : load_case_families(f, ip)) {
        for (const auto& s : sets) apply_override(spec, s);
        specs.push_back(std::move(spec));
      }
  if (specs.empty()) throw CaseError("no case files found in the given paths");
  return specs;
}

}  // namespace crashlab::runner::cli
