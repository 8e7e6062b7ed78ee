#pragma once
// A sweep's runs: the repeats each point still lacks (complete results already
// under DIR/<point>/ are reused), longest predicted first, at most `jobs` at once,
// each an ordinary run_case with its result written into its point's folder, and
// a progress line with the points done, the failures and the model's ETA.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "runner/sweep/sweep_plan.hpp"

namespace crashlab::runner::cli {

class SweepRuns {
 public:
  SweepRuns(const std::vector<sweep::PlannedPoint>& points, Role watched, std::string dir, size_t repeat, size_t jobs,
            bool redraw);
  // Per point, its repeats' outcomes (reused ones first). On SIGINT it reports
  // and ends the process with 130; finished results stay for a resumed sweep.
  std::vector<std::vector<sweep::RepeatOutcome>> execute();

 private:
  void worker();
  void progress_line();  // with mu_ held
  std::string point_dir(size_t i) const;

  const std::vector<sweep::PlannedPoint>& points_;
  Role watched_;
  std::string dir_;
  size_t repeat_, jobs_;
  bool redraw_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<size_t> queue_;  // point index per run still to do, longest predicted first
  size_t next_ = 0, finished_ = 0, failed_ = 0, reused_ = 0;
  std::vector<std::chrono::steady_clock::time_point> started_;  // per queue entry
  std::vector<bool> done_;                                       // per queue entry
  std::vector<std::vector<sweep::RepeatOutcome>> outcomes_;
};

}  // namespace crashlab::runner::cli
