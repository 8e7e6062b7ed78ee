#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

#include "netns/observe/wakeup_lateness.hpp"

namespace crashlab::runner {

// Which of many waiting cases may start now. A case starts while fewer than
// `min_running` run (the machine's cores: a machine loaded by others still runs that
// many), or when the runner's own wake-ups have been on time for the last 300 ms and
// either fewer than `min_running` cases are running up to their faults (one setup per
// core; a setup done shows in the wake-ups) or the last one started at least kSpacing
// ago: a machine that cannot keep up then runs fewer cases at once, queued, rather
// than distorting all of them (#15). The spacing alone held 100 starts at least
// 99 x 150 ms apart; with one run-up at a time, 100 repeats of host-crash/send took
// 1.82x the longest of them, with one per core 1.64-1.68x (docs/benchmarks.md).
class Admission {
 public:
  static constexpr auto kSpacing = std::chrono::milliseconds(150);

  Admission(double late_limit_ms, int min_running, WakeupLateness& lateness = WakeupLateness::process());
  // For run and sweep: hold back while kernel timers run later than a step after the
  // fault may start (distortion_limits()), with at least one case per core running.
  static double late_limit_ms(std::optional<int> hz);
  static int cores();

  // Held while the case runs.
  class Running {
   public:
    explicit Running(Admission* a) : a_(a) {}
    Running(Running&& o) noexcept : a_(std::exchange(o.a_, nullptr)), ran_up_(o.ran_up_) {}
    Running& operator=(Running&&) = delete;
    ~Running() {
      if (a_) a_->finished(!ran_up_);
    }
    // The case has injected its fault (or ended before): the next may start.
    void ran_up() {
      if (a_ && !ran_up_) a_->ran_up();
      ran_up_ = true;
    }

   private:
    Admission* a_;
    bool ran_up_ = false;
  };

  // Blocks until the case may start, or until stop() (checked every 50 ms) says to
  // give up; bounded by the running cases' own ends. nullopt: stopped.
  std::optional<Running> admit(const std::function<bool()>& stop);

  int running() const;
  // How many starts had to wait for the machine, and for how long in all.
  int held_back() const;
  double held_back_ms() const;

 private:
  void finished(bool still_running_up);
  void ran_up();
  bool keeps_up(int64_t now_ns) const;

  WakeupLateness& lateness_;
  WakeupLateness::Watch watch_;
  const int64_t limit_ns_;
  const int min_running_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0, running_up_ = 0, held_back_ = 0;
  double held_back_ms_ = 0;
  int64_t last_start_ns_ = 0;
};

}  // namespace crashlab::runner
