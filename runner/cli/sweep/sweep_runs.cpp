#include "runner/cli/sweep/sweep_runs.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "runner/cli/exit_code.hpp"
#include "runner/cli/run/interrupt.hpp"
#include "runner/judge/distortion.hpp"
#include "runner/run/environment.hpp"
#include "runner/result/result_json.hpp"
#include "runner/run/run_case.hpp"
#include "runner/run/plan/window.hpp"
#include "runner/sweep/sweep_folder.hpp"

namespace crashlab::runner::cli {

namespace {
namespace fs = std::filesystem;
constexpr auto kInterruptCheck = std::chrono::milliseconds(100);
}  // namespace

SweepRuns::SweepRuns(const std::vector<sweep::PlannedPoint>& points, std::vector<size_t> runs, Role watched,
                     std::string dir, size_t jobs, SweepProgress progress, std::optional<int64_t> window_ms)
    : points_(points), watched_(watched), dir_(std::move(dir)), runs_(std::move(runs)), jobs_(jobs), progress_(progress),
      window_ms_(window_ms), outcomes_(points.size()), admission_(Admission::late_limit_ms(machine_hz()), Admission::cores()) {
  for (size_t i = 0; i < points_.size(); ++i) {
    fs::create_directories(point_dir(i));
    for (const sweep::PointResult& r : sweep::point_results(point_dir(i), watched_, runs_[i])) outcomes_[i].push_back(r.outcome);
    reused_ += outcomes_[i].size();
    for (size_t r = outcomes_[i].size(); r < runs_[i]; ++r) queue_.push_back(i);
  }
  std::stable_sort(queue_.begin(), queue_.end(),
                   [&](size_t a, size_t b) { return points_[a].expected_ms > points_[b].expected_ms; });
  started_.resize(queue_.size());
  done_.resize(queue_.size());
}

std::string SweepRuns::point_dir(size_t i) const { return (fs::path(dir_) / points_[i].point.name()).string(); }

std::vector<std::vector<sweep::RepeatOutcome>> SweepRuns::execute() {
  if (reused_) std::cerr << "sweep: reusing " << reused_ << " earlier result(s) under " << dir_ << "\n";
  std::vector<std::thread> pool;
  for (size_t j = 0; j < std::min(jobs_, queue_.size()); ++j) pool.emplace_back([this] { worker(); });
  std::unique_lock lk(mu_);
  while (finished_ < queue_.size() && !interrupted()) cv_.wait_for(lk, kInterruptCheck);
  if (interrupted() && finished_ < queue_.size()) {
    std::cerr << "\nsweep interrupted: " << finished_ << " of " << queue_.size()
              << " runs finished; run the same command again to resume\n";
    std::_Exit(code(ExitCode::Interrupted));  // running cases are abandoned, as in `run`
  }
  lk.unlock();
  for (auto& t : pool) t.join();
  if (progress_ == SweepProgress::Redraw && !queue_.empty()) std::cerr << "\n";
  return outcomes_;
}

void SweepRuns::worker() {
  for (;;) {
    size_t q;
    auto running = admission_.admit([] { return interrupted(); });
    if (!running) return;
    {
      std::lock_guard lk(mu_);
      if (interrupted() || next_ >= queue_.size()) return;
      q = next_++;
      started_[q] = std::chrono::steady_clock::now();
    }
    const size_t i = queue_[q];
    CaseResult r = run_case(points_[i].spec, RunOptions{point_dir(i), false, window_ms_, [&] { running->ran_up(); }});
    std::string unwritten;
    try {
      write_result(r, point_dir(i));
    } catch (const std::exception& e) {
      unwritten = e.what();
    }
    std::lock_guard lk(mu_);
    outcomes_[i].push_back(sweep::repeat_outcome(to_json(r), watched_));
    done_[q] = true;
    ++finished_;
    if (!r.passed()) ++failed_;
    if (!unwritten.empty()) std::cerr << "sweep: result not written: " << unwritten << "\n";
    progress_line();
    cv_.notify_all();
  }
}

void SweepRuns::progress_line() {
  if (progress_ == SweepProgress::None) return;
  const bool redraw = progress_ == SweepProgress::Redraw;
  size_t points_done = 0;
  for (size_t i = 0; i < outcomes_.size(); ++i) points_done += outcomes_[i].size() >= runs_[i];
  // What is left, as the model sees it: runs not started, and the rest of the running ones.
  std::vector<double> left;
  const auto now = std::chrono::steady_clock::now();
  for (size_t q = 0; q < queue_.size(); ++q) {
    if (done_[q]) continue;
    double ms = points_[queue_[q]].expected_ms;
    if (q < next_) ms = std::max(0.0, ms - std::chrono::duration<double, std::milli>(now - started_[q]).count());
    left.push_back(ms);
  }
  char b[160];
  std::snprintf(b, sizeof b, "sweep: %zu/%zu points done, %zu/%zu runs, %zu failed, ETA %.0f s", points_done, points_.size(),
                finished_, queue_.size(), failed_, expected_wall_ms(left, jobs_) / 1000);
  std::cerr << (redraw ? "\r\033[K" : "") << b << (redraw ? "" : "\n") << std::flush;
}

}  // namespace crashlab::runner::cli
