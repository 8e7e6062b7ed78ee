#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runner/case/case_spec.hpp"

namespace crashlab::runner {

CaseSpec load_case(const std::string& path);
// The file's parse_case_families (case_parse.hpp): one spec per address family.
std::vector<CaseSpec> load_case_families(const std::string& path, const std::optional<std::string>& only = {});
// The case file's JSON as load_case reads it (strictly), before any parsing into a CaseSpec.
nlohmann::json read_case_json(const std::string& path);
// Every *.json below `path` (or `path` itself), sorted.
std::vector<std::string> find_case_files(const std::string& path);
// "cases/process-crash/idle.json" -> "process-crash/idle": the path below the
// nearest folder named "cases", without ".json" (the file's stem if there is none).
std::string case_name_for(const std::string& file);

}  // namespace crashlab::runner
