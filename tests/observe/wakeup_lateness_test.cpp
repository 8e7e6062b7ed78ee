// The runner's own wake-up lateness: kept per bucket, asked over a span, and
// sampled by a real thread while watched.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "netns/sys/clock.hpp"
#include "netns/observe/wakeup_lateness.hpp"
#include "netns/sys/wait.hpp"

using namespace crashlab;

TEST(WakeupLateness, TheLargestInTheSpanIsAnswered) {
  WakeupLateness w;
  const int64_t t0 = 1'000'000'000'000;
  EXPECT_EQ(w.max_late_ns(t0, t0 + 1'000'000'000), std::nullopt);
  w.record(t0 + 10'000'000, 300'000);
  w.record(t0 + 20'000'000, 7'000'000);
  w.record(t0 + 900'000'000, 1'000'000);
  w.record(t0 + 5'000'000'000, 90'000'000);  // after the span
  EXPECT_EQ(w.max_late_ns(t0, t0 + 1'000'000'000), 7'000'000);
  EXPECT_EQ(w.max_late_ns(t0 + 500'000'000, t0 + 1'000'000'000), 1'000'000);
}

TEST(WakeupLateness, AWatchSamplesAndItsEndStopsTheThread) {
  WakeupLateness w;
  const int64_t from = monotonic_ns();
  {
    auto watch = w.watch();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!w.max_late_ns(from, monotonic_ns()) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling a value the thread sets
    ASSERT_TRUE(w.max_late_ns(from, monotonic_ns())) << "no expiry sampled within 5 s of watch()";
    EXPECT_GE(*w.max_late_ns(from, monotonic_ns()), 0);
  }
  {
    auto again = w.watch();  // restarts after the last watch ended
    const int64_t second = monotonic_ns() + WakeupLateness::kBucketNs;  // a bucket the first watch never reached
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!w.max_late_ns(second, monotonic_ns()) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(w.max_late_ns(second, monotonic_ns())) << "the second watch sampled nothing within 5 s";
  }
}
