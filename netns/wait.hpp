#pragma once
#include <chrono>
#include <stdexcept>
#include <string>

namespace crashlab {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A bounded wait that ran out. The message always says what was awaited, the
// last value seen and the time spent, so a failing test explains itself.
struct WaitTimeout : std::runtime_error {
  WaitTimeout(const std::string& what, const std::string& last_seen, Clock::time_point started);
};

// Milliseconds left before `deadline` (0 if past), for poll().
int poll_budget_ms(Clock::time_point deadline);

// Multiplies timing tolerances and wait bounds on slow machines:
// CRASHLAB_TIME_SCALE=3 makes every window and timeout three times wider.
double time_scale();
milliseconds scaled(milliseconds base);

}  // namespace crashlab
