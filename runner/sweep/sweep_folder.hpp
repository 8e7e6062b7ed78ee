#pragma once
// A sweep's folder on disk: DIR/sweep.json (its identity) and DIR/<point>/ with
// one result file per run (docs/results.md).
#include <optional>
#include <string>
#include <vector>

#include "runner/sweep/summary.hpp"
#include "runner/sweep/sweep_identity.hpp"

namespace crashlab::runner::sweep {

inline constexpr const char* kIdentityFile = "sweep.json";

// nullopt when DIR has no sweep.json; throws InputError naming the file and the
// field when it is not one.
std::optional<SweepIdentity> read_identity(const std::string& dir);
void write_identity(const std::string& dir, const SweepIdentity& id);  // throws std::runtime_error

struct PointResult {
  std::string file;
  RepeatOutcome outcome;
};
// Up to `at_most` results in a point's folder, by file name; a run that errored
// (or a file that is not a result) is left out, so a resumed sweep runs it again.
std::vector<PointResult> point_results(const std::string& point_dir, Role watched, size_t at_most);

}  // namespace crashlab::runner::sweep
