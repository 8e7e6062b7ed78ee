#pragma once
// `crashlab sweep --merge DIR...`: the folders of one sweep's shards (or of whole
// runs of it) read back as one sweep, so the summary and the page come from the
// same code as a sweep's own.
#include <string>
#include <vector>

#include "runner/sweep/sweep_folder.hpp"
#include "runner/sweep/sweep_plan.hpp"

namespace crashlab::runner::sweep {

struct MergedSweep {
  SweepIdentity identity;  // the whole sweep's: no shard, merged_from = the folders
  CaseSpec base;           // the case with its --set, from the first folder's sweep.json
  std::vector<PlannedPoint> points;               // every point of the grid
  std::vector<std::vector<PointResult>> results;  // per point, shards in order 1..N
  std::vector<std::string> incomplete;            // "POINT: 1 of 2 runs in DIR (shard 2/3)"
  std::vector<std::string> notes;                 // differences let through (version, --allow-mixed)
};

// Throws InputError before anything is written: a folder without sweep.json,
// folders from different sweeps or kernels (naming both folders and the field;
// --allow-mixed lets the case, --set, --window and kernel differ, never --vary or
// --repeat), different shard counts, a shard given twice or one missing.
MergedSweep merge_folders(const std::vector<std::string>& dirs, bool allow_mixed);

}  // namespace crashlab::runner::sweep
