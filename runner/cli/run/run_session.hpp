#pragma once
// One `crashlab run` once its input is checked: cases on worker threads, their
// blocks printed in list order, results written as each case finishes, the
// summary, the JUnit file, the exit code.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runner/result/case_result.hpp"
#include "runner/case/case_files.hpp"
#include "runner/case/overrides.hpp"
#include "runner/run/pace/admission.hpp"
#include "runner/cli/options.hpp"
#include "runner/cli/output/ordered_blocks.hpp"
#include "runner/cli/output/progress.hpp"
#include "runner/table.hpp"

namespace crashlab::runner::cli {

class RunSession {
 public:
  // queue: the cases in order (repeats included); folder: this run's result folder.
  RunSession(std::vector<const CaseSpec*> queue, const Options& opts, std::string folder);
  // Runs everything; returns the exit code. On SIGINT/SIGTERM it reports what
  // finished and ends the process with 130 without waiting for running cases
  // (their endpoints die with the runner; finished results are already written).
  int execute();

 private:
  void worker();
  void record(size_t i, CaseResult r);  // with mu_ held
  std::string block_for(size_t i, const CaseResult& r, const std::string& written);
  int finish(bool interrupted);         // with mu_ held
  std::vector<const CaseResult*> finished_results() const;

  std::vector<const CaseSpec*> queue_;
  const Options& opts_;
  std::string folder_;
  RowStyle style_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t next_ = 0, finished_ = 0;
  std::atomic<bool> stopping_ = false;
  std::vector<std::optional<CaseResult>> results_;
  std::vector<std::string> unwritten_;
  OrderedBlocks blocks_;
  Progress progress_;
  Admission admission_;  // after mu_: its waits never hold it
};

}  // namespace crashlab::runner::cli
