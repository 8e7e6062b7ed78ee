#pragma once
// Where a run's results go: checked before anything runs, one sub-folder per run.
#include <optional>
#include <string>

namespace crashlab::runner::cli {

// Creates `dir` if needed and writes and removes a probe file in it. Returns the
// reason ("--out DIR: cannot ...: <errno text>") when results could not be written there.
std::optional<std::string> check_results_folder(const std::string& dir);

// Creates DIR/<UTC timestamp>/ (a suffix -2, -3... when that exists) and points
// DIR/latest at it. Returns the new folder; throws std::runtime_error with the reason.
std::string start_run_folder(const std::string& dir);

}  // namespace crashlab::runner::cli
