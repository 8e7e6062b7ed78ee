#include "model/kernel_time.hpp"

#include <stdexcept>

namespace crashlab::model::detail {

namespace {
int64_t div_round_up(int64_t n, int64_t d) { return (n + d - 1) / d; }
}  // namespace

int64_t msecs_to_jiffies(int64_t ms, int hz) {
  if (ms <= 0) return 0;
  return div_round_up(ms * hz, 1000);
}

int64_t usecs_to_jiffies(int64_t us, int hz) {
  if (us <= 0) return 0;
  return div_round_up(us * hz, 1000000);
}

int64_t jiffies_to_msecs(int64_t j, int hz) { return j * 1000 / hz; }

int64_t jiffies_to_usecs(int64_t j, int hz) { return j * 1000000 / hz; }

int64_t tick_ms(int hz) { return div_round_up(1000, hz); }

int ilog2(int64_t v) {
  int log = -1;
  for (; v > 0; v >>= 1) ++log;
  return log;
}

void check_hz(int hz) {
  if (hz < 24 || hz > 1200) throw std::invalid_argument("hz out of range: " + std::to_string(hz));
}

}  // namespace crashlab::model::detail
