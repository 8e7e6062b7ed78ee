#pragma once
// `crashlab sweep CASE --vary ... [--shard K/N]`: every grid point x repeat (or
// the shard's share of them) is an ordinary case run with its own result under
// DIR/<point>/; DIR/sweep.json says which sweep the folder holds, and the summary
// (terminal, summary.json, summary.csv) and sweep.html are written at the end.
// With --merge DIR..., merge_command instead.
#include "runner/cli/options.hpp"

namespace crashlab::runner::cli {

int sweep_command(const Options& o);

}  // namespace crashlab::runner::cli
