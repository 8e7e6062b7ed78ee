#include "model/timer_wheel.hpp"

#include <algorithm>

#include "model/kernel_time.hpp"
#include "model/tcp_model.hpp"

namespace crashlab::model::detail {

namespace {
constexpr int kLvlClkShift = 3;  // LVL_CLK_SHIFT: each level is 8x coarser
constexpr int64_t kLvlSize = 64;  // LVL_SIZE

// LVL_START(n): first distance that goes to level n.
int64_t lvl_start(int n) { return (kLvlSize - 1) << ((n - 1) * kLvlClkShift); }
}  // namespace

int TimerWheel::level(int64_t delta) const {
  const int depth = hz_ > 100 ? 9 : 8;  // LVL_DEPTH
  for (int lvl = 0; lvl < depth - 1; ++lvl)
    if (delta < lvl_start(lvl + 1)) return lvl;
  return depth - 1;  // beyond the cutoff the kernel clamps to the last level
}

int64_t TimerWheel::fires_at(int64_t now, int64_t delay, ArmedFrom from) const {
  const int64_t expires = now + delay;
  if (!enabled_) return expires;
  const int64_t delta = std::max<int64_t>(0, delay - (from == ArmedFrom::timer_callback ? 1 : 0));
  const int shift = level(delta) * kLvlClkShift;
  return ((expires >> shift) + 1) << shift;  // calc_index(): bucket_expiry
}

int64_t TimerWheel::granularity(int64_t delay) const {
  return int64_t{1} << (level(delay) * kLvlClkShift);
}

int64_t TimerWheel::period(const std::vector<int64_t>& delays) const {
  if (!enabled_) return 1;
  int64_t g = 1;
  for (int64_t d : delays) g = std::max(g, granularity(d));
  return g;
}

}  // namespace crashlab::model::detail

namespace crashlab::model {

int64_t timer_wheel_slack_us(int hz, int64_t delay_us) {
  detail::check_hz(hz);
  const detail::TimerWheel wheel(hz, true);
  return detail::jiffies_to_usecs(wheel.granularity(detail::usecs_to_jiffies(delay_us, hz)), hz);
}

}  // namespace crashlab::model
