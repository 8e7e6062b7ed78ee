#include "runner/cli/sweep_runs.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "runner/cli/exit_code.hpp"
#include "runner/cli/interrupt.hpp"
#include "runner/result/result_json.hpp"
#include "runner/run/run_case.hpp"
#include "runner/run/window.hpp"

namespace crashlab::runner::cli {

namespace {
namespace fs = std::filesystem;
constexpr auto kInterruptCheck = std::chrono::milliseconds(100);

// Results a previous sweep left in a point's folder; a run that errored is run again.
std::vector<sweep::RepeatOutcome> earlier_results(const fs::path& dir, Role watched, size_t at_most) {
  std::vector<sweep::RepeatOutcome> out;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    if (out.size() >= at_most) break;
    std::ifstream in(f);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) continue;
    sweep::RepeatOutcome r = sweep::repeat_outcome(j, watched);
    if (r.verdict != Verdict::Error) out.push_back(r);
  }
  return out;
}
}  // namespace

SweepRuns::SweepRuns(const std::vector<sweep::PlannedPoint>& points, Role watched, std::string dir, size_t repeat,
                     size_t jobs, bool redraw)
    : points_(points), watched_(watched), dir_(std::move(dir)), repeat_(repeat), jobs_(jobs), redraw_(redraw),
      outcomes_(points.size()) {
  for (size_t i = 0; i < points_.size(); ++i) {
    fs::create_directories(point_dir(i));
    outcomes_[i] = earlier_results(point_dir(i), watched_, repeat_);
    reused_ += outcomes_[i].size();
    for (size_t r = outcomes_[i].size(); r < repeat_; ++r) queue_.push_back(i);
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
  if (redraw_ && !queue_.empty()) std::cerr << "\n";
  return outcomes_;
}

void SweepRuns::worker() {
  for (;;) {
    size_t q;
    {
      std::lock_guard lk(mu_);
      if (interrupted() || next_ >= queue_.size()) return;
      q = next_++;
      started_[q] = std::chrono::steady_clock::now();
    }
    const size_t i = queue_[q];
    CaseResult r = run_case(points_[i].spec, RunOptions{point_dir(i), false, std::nullopt});
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
  size_t points_done = 0;
  for (const auto& o : outcomes_) points_done += o.size() >= repeat_;
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
  std::cerr << (redraw_ ? "\r\033[K" : "") << b << (redraw_ ? "" : "\n") << std::flush;
}

}  // namespace crashlab::runner::cli
