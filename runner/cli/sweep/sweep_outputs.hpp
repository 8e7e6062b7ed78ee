#pragma once
// What a sweep leaves at the end, from its points and their runs' outcomes:
// the table on stdout, DIR/summary.json, DIR/summary.csv and DIR/sweep.html. One
// code path for a whole sweep, a shard and a merge.
#include <iosfwd>
#include <string>
#include <vector>

#include "runner/sweep/sweep_plan.hpp"

namespace crashlab::runner::cli {

// Returns whether every run of every point passed. Throws std::runtime_error when
// a file cannot be written.
bool write_sweep_outputs(const CaseSpec& base, const std::vector<sweep::Vary>& varies,
                         const std::vector<sweep::PlannedPoint>& points,
                         const std::vector<std::vector<sweep::RepeatOutcome>>& outcomes, const std::string& dir,
                         std::ostream& out);

}  // namespace crashlab::runner::cli
