#pragma once
// When a timer_list timer really runs (kernel/time/timer.c).
//
// calc_wheel_index() puts a timer on the level whose range holds its distance
// from base->clk; calc_index() then rounds the expiry *up* to that level's
// granularity (8^level jiffies) so that it never fires early:
//   bucket_expiry = ((expires >> 3*level) + 1) << 3*level
// The callback runs at jiffies == bucket_expiry. Even level 0 runs one jiffy
// after `expires`. Re-arming from inside a callback sees base->clk already
// advanced to jiffies + 1 (__run_timers() increments clk before expiring).

#include <cstdint>
#include <vector>

namespace crashlab::model::detail {

enum class ArmedFrom { process, timer_callback };

class TimerWheel {
 public:
  TimerWheel(int hz, bool enabled) : hz_(hz), enabled_(enabled) {}

  // Jiffy at which a timer armed at jiffy `now` for `delay` jiffies runs.
  int64_t fires_at(int64_t now, int64_t delay, ArmedFrom from) const;
  // Granularity (jiffies) of the level a delay lands on: the worst-case lateness.
  int64_t granularity(int64_t delay) const;
  // Number of distinct jiffy phases for a chain of timers with these delays.
  int64_t period(const std::vector<int64_t>& delays) const;
  bool enabled() const { return enabled_; }
  int hz() const { return hz_; }

 private:
  int level(int64_t delta) const;
  int hz_;
  bool enabled_;
};

}  // namespace crashlab::model::detail
