#pragma once
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace crashlab {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A bounded wait that ran out. The message always says what was awaited, the
// last value seen and the time spent, so a failing test explains itself.
struct WaitTimeout : std::runtime_error {
  WaitTimeout(const std::string& what, const std::string& last_seen, Clock::time_point started);
};

// For what has no change feed to block on (sock_diag, /proc): samples cond every
// `step` until it holds (true) or `deadline` passes (false). A bounded condition
// wait, not a sleep.
template <class Cond>
bool sample_until(Cond&& cond, Clock::time_point deadline, milliseconds step = milliseconds(1)) {
  while (!cond()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
  return true;
}

// sample_until, throwing WaitTimeout with `what` and last_seen() when it runs out.
template <class Cond, class LastSeen>
void require_within(Cond&& cond, Clock::time_point deadline, const std::string& what, LastSeen&& last_seen) {
  const auto started = Clock::now();
  if (!sample_until(cond, deadline)) throw WaitTimeout(what, last_seen(), started);
}

// Milliseconds left before `deadline` (0 if past), for poll().
int poll_budget_ms(Clock::time_point deadline);

// Multiplies timing tolerances and wait bounds on slow machines:
// CRASHLAB_TIME_SCALE=3 makes every window and timeout three times wider.
double time_scale();
milliseconds scaled(milliseconds base);

// The bound on any single request/answer exchange with a test process (an
// endpoint's answer, a process's exit): 5 s, scaled.
milliseconds default_timeout();

}  // namespace crashlab
