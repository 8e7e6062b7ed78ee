#include "runner/cli/run/installed_cases.hpp"

#include <filesystem>

namespace crashlab::runner::cli {

namespace fs = std::filesystem;

std::string default_cases_dir() {
  std::error_code ec;
  if (fs::is_directory("cases", ec)) return "cases";
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = (self.parent_path() / CRASHLAB_CASES_FROM_BIN).lexically_normal();
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return "cases";
}

std::string case_path(const std::string& given) {
  std::error_code ec;
  const fs::path p(given);
  if (given.empty() || p.is_absolute() || fs::exists(p, ec)) return given;  // "" is the loader's to refuse
  const fs::path in_catalogue = fs::path(default_cases_dir()) / p;
  return fs::exists(in_catalogue, ec) ? in_catalogue.string() : given;
}

}  // namespace crashlab::runner::cli
