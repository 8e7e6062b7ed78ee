#include "runner/sweep/sweep_folder.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runner/json/strict_json.hpp"

namespace crashlab::runner::sweep {

namespace fs = std::filesystem;

std::optional<SweepIdentity> read_identity(const std::string& dir) {
  const fs::path file = fs::path(dir) / kIdentityFile;
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw InputError(file.string() + ": cannot read");
  return identity_from_json(parse_strict_json(text.str(), file.string()), file.string());
}

void write_identity(const std::string& dir, const SweepIdentity& id) {
  const fs::path file = fs::path(dir) / kIdentityFile;
  std::ofstream out(file);
  out << identity_json(id).dump(2) << "\n";
  if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

std::vector<PointResult> point_results(const std::string& point_dir, Role watched, size_t at_most) {
  std::vector<PointResult> out;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(point_dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    if (out.size() >= at_most) break;
    std::ifstream in(f);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) continue;
    RepeatOutcome r = repeat_outcome(j, watched);
    if (r.verdict != Verdict::Error) out.push_back({f.string(), r});
  }
  return out;
}

}  // namespace crashlab::runner::sweep
