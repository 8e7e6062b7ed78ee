// Admission of concurrent cases against the runner's own wake-up lateness: a lone
// case always starts, a loaded machine holds the next one back until a case ends,
// a calm one lets it in after the spacing, or as soon as the running case has injected
// its fault.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "netns/sys/clock.hpp"
#include "runner/run/pace/admission.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace std::chrono_literals;

namespace {
const auto kNever = [] { return false; };
// Far above anything this machine's own wake-ups show, so only recorded values decide.
constexpr double kLimitMs = 1000;
}  // namespace

TEST(Admission, ALoneCaseStartsAtOnce) {
  WakeupLateness lateness;
  Admission a(kLimitMs, 1, lateness);
  lateness.record(monotonic_ns(), 5'000'000'000);  // however loaded
  auto r = a.admit(kNever);
  ASSERT_TRUE(r);
  EXPECT_EQ(a.running(), 1);
  EXPECT_EQ(a.held_back(), 0);
}

TEST(Admission, ALoadedMachineHoldsTheNextCaseUntilOneEnds) {
  WakeupLateness lateness;
  Admission a(kLimitMs, 1, lateness);
  auto first = a.admit(kNever);
  auto second = std::async(std::launch::async, [&] {
    for (int i = 0; i < 100; ++i) lateness.record(monotonic_ns() + i * 10'000'000, 5'000'000'000);  // the next second: late
    return a.admit(kNever).has_value();
  });
  EXPECT_EQ(second.wait_for(500ms), std::future_status::timeout) << "admitted beside a case on a loaded machine";
  first.reset();  // the running case ends
  ASSERT_EQ(second.wait_for(5s), std::future_status::ready) << "still held back 5 s after the only running case ended";
  EXPECT_TRUE(second.get());
  EXPECT_EQ(a.held_back(), 1);
  EXPECT_GT(a.held_back_ms(), 400);
}

TEST(Admission, ACalmMachineLetsTheNextInAfterTheSpacing) {
  WakeupLateness lateness;
  Admission a(kLimitMs, 1, lateness);
  auto first = a.admit(kNever);
  const auto t0 = std::chrono::steady_clock::now();
  auto second = std::async(std::launch::async, [&] { return a.admit(kNever); });
  ASSERT_EQ(second.wait_for(5s), std::future_status::ready) << "a calm machine held the second case back for 5 s";
  const auto running = second.get();
  EXPECT_TRUE(running);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, Admission::kSpacing);
  EXPECT_EQ(a.running(), 2);
}

TEST(Admission, ACaseThatRanUpToItsFaultLetsTheNextInBeforeTheSpacing) {
  WakeupLateness lateness;
  Admission a(kLimitMs, 1, lateness);
  auto first = a.admit(kNever);
  ASSERT_TRUE(first);
  first->ran_up();
  lateness.record(monotonic_ns(), 1'000'000);  // calm
  const auto t0 = std::chrono::steady_clock::now();
  auto second = a.admit(kNever);
  EXPECT_TRUE(second);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, Admission::kSpacing);
  // A case that ends before its fault counts as run up too: the next is not spaced.
  const auto t1 = std::chrono::steady_clock::now();
  auto third = std::async(std::launch::async, [&] { return a.admit(kNever); });
  lateness.record(monotonic_ns(), 1'000'000);
  second.reset();
  ASSERT_EQ(third.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(third.get());
  EXPECT_LT(std::chrono::steady_clock::now() - t1, Admission::kSpacing);
}

// One setup per core: with two cores a third case waits for the spacing while two are
// still running up, and goes in as soon as one of them has injected its fault.
TEST(Admission, AsManyCasesRunUpAtOnceAsTheMachineHasCores) {
  WakeupLateness lateness;
  Admission a(kLimitMs, 2, lateness);
  auto first = a.admit(kNever);
  auto second = a.admit(kNever);
  ASSERT_TRUE(first && second);
  lateness.record(monotonic_ns(), 1'000'000);  // calm
  const auto t0 = std::chrono::steady_clock::now();
  auto third = std::async(std::launch::async, [&] { return a.admit(kNever); });
  EXPECT_EQ(third.wait_for(Admission::kSpacing / 3), std::future_status::timeout)
      << "a third case started beside two running up on two cores";
  first->ran_up();
  ASSERT_EQ(third.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(third.get());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, Admission::kSpacing) << "held for the spacing after a run-up ended";
}

TEST(Admission, UpToMinRunningStartWhateverTheLoad) {
  WakeupLateness lateness;
  Admission a(kLimitMs, 2, lateness);
  for (int i = 0; i < 100; ++i) lateness.record(monotonic_ns() + i * 10'000'000, 5'000'000'000);
  auto first = a.admit(kNever);
  auto second = a.admit(kNever);  // would block were the minimum 1
  EXPECT_TRUE(first && second);
  EXPECT_EQ(a.running(), 2);
  EXPECT_EQ(a.held_back(), 0);
}

TEST(Admission, AStopEndsTheWait) {
  WakeupLateness lateness;
  Admission a(kLimitMs, 1, lateness);
  auto first = a.admit(kNever);
  for (int i = 0; i < 100; ++i) lateness.record(monotonic_ns() + i * 10'000'000, 5'000'000'000);
  std::atomic<bool> stop = false;
  auto second = std::async(std::launch::async, [&] { return a.admit([&] { return stop.load(); }).has_value(); });
  stop = true;
  ASSERT_EQ(second.wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(second.get());
  EXPECT_EQ(a.running(), 1);
}
