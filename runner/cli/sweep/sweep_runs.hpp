#pragma once
// A sweep's runs: the runs each point still lacks (complete results already
// under DIR/<point>/ are reused), longest predicted first, at most `jobs` at once,
// each an ordinary run_case with its result written into its point's folder, and
// a progress line with the points done, the failures and the model's ETA.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runner/run/pace/admission.hpp"
#include "runner/sweep/sweep_plan.hpp"

namespace crashlab::runner::cli {

// How the progress line shows: not at all (--quiet, --no-progress), one line per
// finished run (a log), or redrawn in place (a terminal).
enum class SweepProgress { None, Lines, Redraw };

class SweepRuns {
 public:
  // runs[i]: how many runs point i gets (its repeats, or a shard's share of them).
  // window_ms: --window, as `run` passes it to run_case.
  SweepRuns(const std::vector<sweep::PlannedPoint>& points, std::vector<size_t> runs, Role watched, std::string dir,
            size_t jobs, SweepProgress progress, std::optional<int64_t> window_ms);
  // Per point, its runs' outcomes (reused ones first). On SIGINT it reports
  // and ends the process with 130; finished results stay for a resumed sweep.
  std::vector<std::vector<sweep::RepeatOutcome>> execute();

 private:
  void worker();
  void progress_line();  // with mu_ held
  std::string point_dir(size_t i) const;

  const std::vector<sweep::PlannedPoint>& points_;
  Role watched_;
  std::string dir_;
  std::vector<size_t> runs_;
  size_t jobs_;
  SweepProgress progress_;
  std::optional<int64_t> window_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<size_t> queue_;  // point index per run still to do, longest predicted first
  size_t next_ = 0, finished_ = 0, failed_ = 0, reused_ = 0;
  std::vector<std::chrono::steady_clock::time_point> started_;  // per queue entry
  std::vector<bool> done_;                                       // per queue entry
  std::vector<std::vector<sweep::RepeatOutcome>> outcomes_;
  Admission admission_;
};

}  // namespace crashlab::runner::cli
