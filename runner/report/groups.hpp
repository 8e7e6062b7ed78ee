#pragma once
// The page's view of many results: how many passed, failed and could not run, and
// repeats of one case (same case, same --set) taken together.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/report/result.hpp"
#include "runner/stats.hpp"

namespace crashlab::runner::report {

struct Tally {
  size_t passed = 0, failed = 0, distorted = 0, errors = 0;
  size_t total() const { return passed + failed + distorted + errors; }
};
Tally tally(const std::vector<Result>& rs, const std::vector<size_t>& which);
Tally tally(const std::vector<Result>& rs);

// Runs of one case with the same --set assignments (in the same order).
struct Group {
  std::string name;
  std::vector<std::string> set;
  std::vector<size_t> runs;  // indices into the results, in their order
};
// Groups in order of their first run. Pure.
std::vector<Group> group_runs(const std::vector<Result>& rs);

// One surviving side's detection over a group's runs.
struct SideSpread {
  std::string role;
  size_t runs = 0;                    // runs that had this side alive
  std::optional<Spread> detected;     // over the runs that detected anything
  std::map<std::string, int> errors;  // what was seen ("none" for nothing) -> runs
};
std::vector<SideSpread> side_spreads(const std::vector<Result>& rs, const Group& g);

}  // namespace crashlab::runner::report
