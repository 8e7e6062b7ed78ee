#pragma once
// `crashlab sweep CASE --vary ...`: every grid point x repeat is an ordinary
// case run with its own result under DIR/<point>/; the summary (terminal,
// summary.json, summary.csv) and sweep.html are written at the end.
#include "runner/cli/options.hpp"

namespace crashlab::runner::cli {

int sweep_command(const Options& o);

}  // namespace crashlab::runner::cli
