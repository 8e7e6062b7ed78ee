#pragma once
// `crashlab sweep --merge DIR... --out DIR`: the shards of one sweep (from one or
// several machines) summarized as the whole sweep would be: the same table,
// summary.json, summary.csv and sweep.html, and DIR/sweep.json with the results
// copied under DIR/<point>/, so the merged folder is a whole sweep's folder.
#include "runner/cli/options.hpp"

namespace crashlab::runner::cli {

// 0 every run passed; 1 a run failed or a point lacks runs (listed on stderr);
// 2 the folders cannot be merged (different sweeps, shards overlapping or
// missing) or --out cannot take the merge; nothing is written then.
int merge_command(const Options& o);

}  // namespace crashlab::runner::cli
