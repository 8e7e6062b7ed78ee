#pragma once
// Kernel time-unit conversions (include/linux/jiffies.h, kernel/time/time.c).
// msecs_to_jiffies()/usecs_to_jiffies() round up, jiffies_to_*() round down.

#include <cstdint>

namespace crashlab::model::detail {

int64_t msecs_to_jiffies(int64_t ms, int hz);
int64_t usecs_to_jiffies(int64_t us, int hz);
int64_t jiffies_to_msecs(int64_t j, int hz);
int64_t jiffies_to_usecs(int64_t j, int hz);
int64_t tick_ms(int hz);  // one jiffy in whole milliseconds, at least 1

// ilog2() for v >= 1: index of the highest set bit.
int ilog2(int64_t v);

// Throws std::invalid_argument unless hz is a plausible CONFIG_HZ.
void check_hz(int hz);

}  // namespace crashlab::model::detail
