#include "runner/case/case_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "runner/case/case_parse.hpp"

namespace fs = std::filesystem;

namespace crashlab::runner {

std::string case_name_for(const std::string& file) {
  fs::path p = fs::path(file).lexically_normal();
  fs::path rel;
  for (const auto& part : p) rel = part == "cases" ? fs::path() : rel / part;
  if (rel == p || rel.empty()) rel = p.filename();
  rel.replace_extension();
  return rel.generic_string();
}

CaseSpec load_case(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw CaseError(path + ": cannot open");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw CaseError(path + ": not valid JSON: " + e.what());
  }
  return parse_case(j, path, case_name_for(path));
}

std::vector<std::string> find_case_files(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw CaseError(path + ": no such file or folder");
  if (!fs::is_directory(path, ec)) return {path};
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(path))
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace crashlab::runner
