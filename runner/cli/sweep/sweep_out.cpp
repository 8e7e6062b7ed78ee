#include "runner/cli/sweep/sweep_out.hpp"

#include <filesystem>
#include <ostream>

#include "runner/sweep/sweep_folder.hpp"

namespace crashlab::runner::cli {

namespace fs = std::filesystem;

std::optional<std::string> sweep_out_problem(const std::string& dir, const sweep::SweepIdentity& id, std::ostream& notes) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return std::nullopt;
  if (!fs::is_directory(dir, ec)) return "--out " + dir + ": not a folder";
  const std::optional<sweep::SweepIdentity> earlier = sweep::read_identity(dir);
  if (!earlier) {
    if (fs::is_empty(dir, ec)) return std::nullopt;
    return "--out " + dir + ": not empty and holds no " + sweep::kIdentityFile +
           ", so its results cannot be told apart from another sweep's; use a new folder";
  }
  const std::string file = (fs::path(dir) / sweep::kIdentityFile).string();
  std::string refused;
  for (const sweep::Difference& d : sweep::differences(*earlier, id, sweep::Use::Resume, false)) {
    const std::string what = d.field + " differs (" + file + ": " + d.ours + "; this command: " + d.theirs + ")";
    if (d.refused)
      refused += (refused.empty() ? "" : "; ") + what;
    else
      notes << "sweep: " << what << "\n";
  }
  if (refused.empty()) return std::nullopt;
  return "--out " + dir + " holds another sweep: " + refused + "; use a new folder to run this one";
}

void start_sweep_folder(const std::string& dir, const sweep::SweepIdentity& id) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("--out " + dir + ": " + ec.message());
  sweep::write_identity(dir, id);
}

}  // namespace crashlab::runner::cli
