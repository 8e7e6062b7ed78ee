// predict_zero_window(): tcp_probe_timer()'s count rule after a closed window.
#include <gtest/gtest.h>

#include "model/tests/model_test_helpers.hpp"

using namespace crashlab::model;
using namespace crashlab::model::testing_helpers;

namespace {
Prediction probes(int retries2, int64_t rto_us, int backoff) {
  KernelParams kp = ideal();
  kp.tcp_retries2 = retries2;
  return predict_zero_window(kp, SocketParams{}, ProbeParams{rto_us, backoff});
}
}  // namespace

TEST(ZeroWindow, ProbesDoubleFromTheBackoffAndTheCountEndsIt) {
  // Backoff 3 already (capped at retries2 = 3): 204 ms << 3 = 1.632 s, and it stays there.
  const Prediction p = probes(3, 204 * kMs, 3);
  EXPECT_EQ(times_of(p, "zero_window_probe"), (std::vector<int64_t>{1632 * kMs, 3264 * kMs, 4896 * kMs}));
  EXPECT_EQ(p.give_up_us, 6528 * kMs) << "the 4th firing finds 3 probes unanswered";
  EXPECT_EQ(p.error, "ETIMEDOUT");
}

TEST(ZeroWindow, BelowTheCapTheIntervalDoubles) {
  const Prediction p = probes(3, 204 * kMs, 0);
  EXPECT_EQ(times_of(p, "zero_window_probe"), (std::vector<int64_t>{204 * kMs, 612 * kMs, 1428 * kMs}));
  EXPECT_EQ(p.give_up_us, 3060 * kMs);
}

TEST(ZeroWindow, TheBaseIsNeverBelowTcpRtoMinAndTheIntervalStopsAtRtoMax) {
  EXPECT_EQ(times_of(probes(1, 50 * kMs, 0), "zero_window_probe").front(), 200 * kMs);
  const Prediction p = probes(15, 204 * kMs, 15);
  EXPECT_EQ(times_of(p, "zero_window_probe").front(), 120 * kSec);
}

TEST(ZeroWindow, AUserTimeoutIsNotModelled) {
  SocketParams sp;
  sp.user_timeout_ms = 5000;
  EXPECT_THROW(predict_zero_window(ideal(), sp, ProbeParams{204 * kMs, 0}), std::domain_error);
}

TEST(ZeroWindow, TheWheelOnlyMakesItLater) {
  KernelParams kp;
  kp.tcp_retries2 = 3;
  const Prediction p = predict_zero_window(kp, SocketParams{}, ProbeParams{204 * kMs, 3});
  EXPECT_GE(p.give_up_us, 6528 * kMs);
  EXPECT_LE(p.give_up_us + p.give_up_late_max_us, 6528 * kMs + 4 * 260 * kMs / 8);
}
