// Unit tests for the TCP timing model. Every expected number is derived in a
// comment from the kernel rule it checks (function names refer to
// net/ipv4/tcp_timer.c unless noted). "Ideal" tests switch the timer-wheel
// model off, so timers fire exactly at expiry; "wheel" tests derive the
// rounding of kernel/time/timer.c calc_index():
//   bucket = ((expires >> 3*level) + 1) << 3*level, level by distance
//   (level 0 < 63 jiffies, level 1 < 504, level 2 < 4032, level 3 < 32256 ...).
// At HZ=250 one jiffy is 4 ms, TCP_RTO_MIN = HZ/5 = 50 jiffies = 200 ms.
// This file: data retransmission, user timeout, HZ rounding, the timer wheel, TLP.

#include <gtest/gtest.h>

#include "model/tests/model_test_helpers.hpp"

namespace crashlab::model {
namespace {
using namespace testing_helpers;

TEST(Hypothetical, DocumentedDefaultIs924Point6Seconds) {
  // ip-sysctl.rst: "The default value of 15 yields a hypothetical timeout of
  // 924.6 seconds". linear_backoff_thresh = ilog2(120 s / 0.2 s) = ilog2(600)
  // = 9; 15 > 9, so (2^10 - 1) * 0.2 s + (15 - 9) * 120 s = 204.6 + 720.
  EXPECT_DOUBLE_EQ(hypothetical_retries2_timeout_s(15), 924.6);
}

TEST(Hypothetical, SmallBoundariesAreGeometric) {
  // boundary <= 9: ((2 << n) - 1) * 0.2 s.
  EXPECT_DOUBLE_EQ(hypothetical_retries2_timeout_s(3), 3.0);    // 15 * 0.2
  EXPECT_DOUBLE_EQ(hypothetical_retries2_timeout_s(8), 102.2);  // 511 * 0.2: RFC 1122's ">= 100 s" needs 8
  EXPECT_DOUBLE_EQ(hypothetical_retries2_timeout_s(9), 204.6);  // 1023 * 0.2, the last geometric step
}

TEST(Hypothetical, LowerRtoMaxShortensTheLinearPart) {
  // rto_max 1 s: thresh = ilog2(1 / 0.2) = ilog2(5) = 2; n = 5:
  // (2^3 - 1) * 0.2 + (5 - 2) * 1 = 1.4 + 3 = 4.4 s.
  EXPECT_DOUBLE_EQ(hypothetical_retries2_timeout_s(5, 200000, 1000000), 4.4);
}

// --- data retransmission: tcp_retries2 (ideal timers) ----------------------

TEST(DataIdeal, Retries2Is3) {
  // Deadline 3.0 s (15 * TCP_RTO_MIN), measured from retrans_stamp = the first
  // RTO retransmission (tcp_retransmit_skb), not from the original send.
  // RTO 0.2 s doubling: firings at 0.2 (#1, stamp), 0.6 (elapsed 0.4, #2),
  // 1.4 (1.2, #3), 3.0 (2.8 < 3.0, #4), 6.2 (6.0 >= 3.0: give up).
  KernelParams kp = ideal();
  kp.tcp_retries2 = 3;
  const Prediction p = predict_data_retransmission(kp, {}, 200 * kMs);
  EXPECT_EQ(times_of(p, "retransmit"), (std::vector<int64_t>{200 * kMs, 600 * kMs, 1400 * kMs, 3000 * kMs}));
  EXPECT_EQ(p.give_up_us, 6200 * kMs);
  EXPECT_EQ(p.error, "ETIMEDOUT");
  // The survived firing (2.8 s) is 200 ms short of the deadline, beyond the
  // step margin max(1 tick, 2% of 3 s = 60 ms); 6.0 s is far past it.
  EXPECT_FALSE(p.alternative_give_up_us.has_value());
}

TEST(DataIdeal, Retries2Is5) {
  // Deadline 63 * 0.2 = 12.6 s. Firings at 0.2, 0.6, 1.4, 3.0, 6.2 (elapsed
  // 6.0), 12.6 (elapsed 12.4 < 12.6: retransmission #6), 25.4 (25.2: give up).
  KernelParams kp = ideal();
  kp.tcp_retries2 = 5;
  const Prediction p = predict_data_retransmission(kp, {}, 200 * kMs);
  EXPECT_EQ(times_of(p, "retransmit").size(), 6u);
  EXPECT_EQ(p.give_up_us, 25400 * kMs);
  // Step function: 12.4 s is within the margin (2% of 12.6 s = 252 ms) of the
  // deadline, so the neighbouring outcome is giving up at the 12.6 s firing.
  ASSERT_TRUE(p.alternative_give_up_us.has_value());
  EXPECT_EQ(*p.alternative_give_up_us, 12600 * kMs);
}

TEST(DataIdeal, Retries2Is8) {
  // Deadline 511 * 0.2 = 102.2 s. Firings at 0.2 * (2^k - 1): 0.2, 0.6, 1.4,
  // 3.0, 6.2, 12.6, 25.4, 51.0, 102.2 (elapsed 102.0 < 102.2: #9), 204.6
  // (elapsed 204.4: give up). The RTO (102.4 s) never reached 120 s.
  KernelParams kp = ideal();
  kp.tcp_retries2 = 8;
  const Prediction p = predict_data_retransmission(kp, {}, 200 * kMs);
  EXPECT_EQ(times_of(p, "retransmit").size(), 9u);
  EXPECT_EQ(times_of(p, "retransmit").back(), 102200 * kMs);
  EXPECT_EQ(p.give_up_us, 204600 * kMs);
  ASSERT_TRUE(p.alternative_give_up_us.has_value());  // 102.0 is 0.2 s below, margin 2.044 s
  EXPECT_EQ(*p.alternative_give_up_us, 102200 * kMs);
}

TEST(DataIdeal, RealRtoAboveRtoMinChangesTheCount) {
  // Default tcp_retries2 = 15 (924.6 s) with the loopback RTO of 204 ms
  // (51 jiffies): the RTO doubles 9 times to 104.448 s, then 120 s. Elapsed at
  // firing k+1 = sum of the first k intervals: 0.204 * (2^10 - 2) = 208.488 s
  // after 9 intervals, +120 s each after that; 208.488 + 6 * 120 = 928.488 >=
  // 924.6 after 15 intervals, so the 16th firing gives up at 0.204 + 928.488.
  // With an RTO of exactly 200 ms the same firing has 924.4 < 924.6 and the
  // connection survives one more 120 s: that is the step function.
  const Prediction p = predict_data_retransmission(ideal(), {}, 204 * kMs);
  EXPECT_EQ(times_of(p, "retransmit").size(), 15u);
  EXPECT_EQ(p.give_up_us, 928692 * kMs);
  const Prediction p200 = predict_data_retransmission(ideal(), {}, 200 * kMs);
  EXPECT_EQ(times_of(p200, "retransmit").size(), 16u);
  EXPECT_EQ(p200.give_up_us, 1044600 * kMs);  // 0.2 + 204.4 + 7 * 120
}

TEST(DataIdeal, RtoMaxMsCapsBackoffAndBudget) {
  // TCP_RTO_MAX_MS = 1000: the budget for tcp_retries2 = 5 is 4.4 s (see
  // Hypothetical.LowerRtoMax...), and the RTO stops at 1 s. Firings at 0.2
  // (stamp), 0.6, 1.4, 2.4, 3.4, 4.4 (elapsed 4.2 < 4.4: #6), 5.4 (5.2: give up).
  KernelParams kp = ideal();
  kp.tcp_retries2 = 5;
  SocketParams sp;
  sp.rto_max_ms = 1000;
  const Prediction p = predict_data_retransmission(kp, sp, 200 * kMs);
  EXPECT_EQ(times_of(p, "retransmit").size(), 6u);
  EXPECT_EQ(p.give_up_us, 5400 * kMs);
  // The sysctl tcp_rto_max_ms seeds icsk_rto_max the same way.
  kp.tcp_rto_max_ms = 1000;
  EXPECT_EQ(predict_data_retransmission(kp, {}, 200 * kMs).give_up_us, 5400 * kMs);
}

// --- TCP_USER_TIMEOUT with data in flight -----------------------------------

TEST(UserTimeout, ClampFiresAtTheDeadline) {
  // Deadline 5 s after retrans_stamp (0.2 s). Firings at 0.6, 1.4, 3.0
  // (elapsed 2.8); the next RTO would be 3.2 s, but
  // tcp_clamp_rto_to_user_timeout() returns the remaining 2.2 s, so the timer
  // fires at 5.2 s with exactly 5.0 s elapsed: give up after 4 retransmissions.
  SocketParams sp;
  sp.user_timeout_ms = 5000;
  const Prediction p = predict_data_retransmission(ideal(), sp, 200 * kMs);
  EXPECT_EQ(times_of(p, "retransmit").size(), 4u);
  EXPECT_EQ(p.give_up_us, 5200 * kMs);
  EXPECT_EQ(p.error, "ETIMEDOUT");
}

TEST(UserTimeout, OverridesRetries2BothWays) {
  // retransmits_timed_out() takes the user timeout instead of the model, so
  // tcp_retries2 = 3 (which alone gives up at 6.2 s) no longer matters.
  // 10 s: firings 0.2 .. 6.2 (elapsed 6.0, #5), then min(6.4 s, 10 - 6.0 = 4 s)
  // -> 10.2 s. 2 s: firings 0.6, 1.4 (elapsed 1.2), then min(1.6, 0.8) -> 2.2 s.
  KernelParams kp = ideal();
  kp.tcp_retries2 = 3;
  SocketParams sp;
  sp.user_timeout_ms = 10000;
  EXPECT_EQ(predict_data_retransmission(kp, sp, 200 * kMs).give_up_us, 10200 * kMs);
  sp.user_timeout_ms = 2000;
  EXPECT_EQ(predict_data_retransmission(kp, sp, 200 * kMs).give_up_us, 2200 * kMs);
}

TEST(UserTimeout, NeverBeforeTheFirstRetransmission) {
  // retransmits_timed_out() is false while icsk_retransmits == 0, so a 100 ms
  // user timeout still waits for the first RTO (0.2 s, the stamp), then the
  // clamp arms min(0.4 s, 100 ms): give up at 0.3 s.
  SocketParams sp;
  sp.user_timeout_ms = 100;
  const Prediction p = predict_data_retransmission(ideal(), sp, 200 * kMs);
  EXPECT_EQ(times_of(p, "retransmit").size(), 1u);
  EXPECT_EQ(p.give_up_us, 300 * kMs);
}

// --- HZ rounding -------------------------------------------------------------

TEST(HzRounding, MsecsToJiffiesRoundsUp) {
  // User timeout 1001 ms, RTO 200 ms: stamp 0.2 s, firing 0.6 s (elapsed
  // 400 ms), remaining 601 ms; the clamp is msecs_to_jiffies(601), rounded up
  // to a whole jiffy: HZ=250 -> 151 j = 604 ms (give up 1.204 s), HZ=100 ->
  // 61 j = 610 ms (1.210 s), HZ=1000 -> 601 ms (1.201 s).
  SocketParams sp;
  sp.user_timeout_ms = 1001;
  KernelParams kp = ideal();
  kp.hz = 250;
  EXPECT_EQ(predict_data_retransmission(kp, sp, 200 * kMs).give_up_us, 1204 * kMs);
  kp.hz = 100;
  EXPECT_EQ(predict_data_retransmission(kp, sp, 200 * kMs).give_up_us, 1210 * kMs);
  kp.hz = 1000;
  EXPECT_EQ(predict_data_retransmission(kp, sp, 200 * kMs).give_up_us, 1201 * kMs);
}

TEST(HzRounding, RtoMaxMsRoundsUpToAJiffy) {
  // TCP_RTO_MAX_MS = 1001 -> msecs_to_jiffies = 251 jiffies = 1.004 s at
  // HZ=250. tcp_retries2 = 3: thresh = ilog2(251 / 50) = 2, budget =
  // 7 * 0.2 + (3 - 2) * 1.004 = 2.404 s. Firings: 0.2 (stamp), 0.6, 1.4
  // (elapsed 1.2), 1.4 + min(1.6, 1.004) = 2.404 (elapsed 2.204 < 2.404, #4),
  // 3.408 (elapsed 3.208: give up).
  KernelParams kp = ideal();
  kp.tcp_retries2 = 3;
  SocketParams sp;
  sp.rto_max_ms = 1001;
  const Prediction p = predict_data_retransmission(kp, sp, 200 * kMs);
  EXPECT_EQ(times_of(p, "retransmit").back(), 2404 * kMs);
  EXPECT_EQ(p.give_up_us, 3408 * kMs);
}

// --- the timer wheel -----------------------------------------------------------

TEST(Wheel, SlackGrowsWithTheDelay) {
  // Granularity 8^level jiffies of the level the delay lands on (HZ=250):
  // 200 ms = 50 j -> level 0 -> 1 j = 4 ms; 1 s = 250 j -> level 1 -> 8 j =
  // 32 ms; 120 s = 30000 j -> level 3 -> 512 j = 2.048 s; 7200 s = 1.8e6 j ->
  // level 5 -> 32768 j = 131.072 s.
  EXPECT_EQ(timer_wheel_slack_us(250, 200 * kMs), 4 * kMs);
  EXPECT_EQ(timer_wheel_slack_us(250, 1 * kSec), 32 * kMs);
  EXPECT_EQ(timer_wheel_slack_us(250, 120 * kSec), 2048 * kMs);
  EXPECT_EQ(timer_wheel_slack_us(250, 7200 * kSec), 131072 * kMs);
}

TEST(Wheel, Retries2Is3) {
  // Earliest phase: the first RTO (50 j, level 0) runs at +51 j = 0.204 s;
  // the 100 j arm (level 1) lands on the next multiple of 8, at best +1 ->
  // 0.608 s; 200 j and 400 j arms start on a multiple of 8 and are multiples
  // of 8, so each is 8 j late -> 1.440 s, 3.072 s. There the elapsed time is
  // (768 - 51) j = 2.868 s (2.896 s at worst) < 3.0 s: retransmit. The 800 j
  // arm (level 2) is at least 8 j late -> 768 + 808 = 1576 j = 6.304 s.
  // Worst phase: +7 j on the 100 j arm and +56 j on the 800 j arm -> 6.556 s.
  KernelParams kp;
  kp.tcp_retries2 = 3;
  const Prediction p = predict_data_retransmission(kp, {}, 200 * kMs);
  EXPECT_EQ(times_of(p, "retransmit"), (std::vector<int64_t>{204 * kMs, 608 * kMs, 1440 * kMs, 3072 * kMs}));
  EXPECT_EQ(p.give_up_us, 6304 * kMs);
  EXPECT_EQ(p.give_up_late_max_us, 252 * kMs);
  EXPECT_EQ(p.nominal_give_up_us, 6200 * kMs);
}

TEST(Wheel, LatenessCrossesTheRetries2Deadline) {
  // tcp_retries2 = 5 (deadline 12.6 s). Continuing Wheel.Retries2Is3: the
  // 800 j arm is 8..64 j late and the 1600 j arm (a multiple of 64, starting
  // on a multiple of 64) is exactly 64 j late, so at the 6th firing the
  // elapsed time is at least (100+200+400+800+1600) + (1+8+8+8+64) = 3189 j =
  // 12.756 s >= 12.6 s in every phase: the kernel gives up there, at
  // 51 + 101 + 208 + 408 + 808 + 1664 = 3240 j = 12.960 s at the earliest
  // (+7 j and +56 j at worst: 13.212 s) -- not at the ideal 25.4 s.
  KernelParams kp;
  kp.tcp_retries2 = 5;
  const Prediction p = predict_data_retransmission(kp, {}, 200 * kMs);
  EXPECT_EQ(times_of(p, "retransmit").size(), 5u);
  EXPECT_EQ(p.give_up_us, 12960 * kMs);
  EXPECT_EQ(p.give_up_late_max_us, 252 * kMs);
  EXPECT_EQ(p.nominal_give_up_us, 25400 * kMs);
  // 12.756 s is within the margin (252 ms) of 12.6 s: the neighbour is the
  // next firing, 3240 + 3264 j (3200 j arm, 64 j late) = 26.016 s.
  ASSERT_TRUE(p.alternative_give_up_us.has_value());
  EXPECT_EQ(*p.alternative_give_up_us, 26016 * kMs);
}

// host-crash/send@ipv6 on 6.1 under qemu: RTO 208 ms, a tail loss probe, tcp_retries2
// = 3. The elapsed time at the fourth RTO firing lies within the wheel's lateness of
// the 3 s deadline, so the phase decides: most phases retransmit once more and give
// up one RTO later, the rest give up there. Both outcomes are given whole.
TEST(Wheel, APhaseSplitGivesTheOtherOutcomeWhole) {
  KernelParams kp;
  kp.tcp_retries2 = 3;
  FlightParams f;
  f.rto_us = 208 * kMs;
  f.srtt_us = 4000;
  f.sack = true;
  const Prediction p = predict_data_retransmission(kp, {}, f);
  ASSERT_TRUE(p.other_phase.has_value()) << p.reason;
  const PhaseOutcome& o = *p.other_phase;
  EXPECT_GT(o.phases, 0);
  EXPECT_LT(o.phases * 2, o.total_phases) << "the majority is the main outcome";
  ASSERT_TRUE(p.alternative_give_up_us.has_value());
  EXPECT_EQ(o.give_up_us, *p.alternative_give_up_us);
  EXPECT_EQ(o.error, "ETIMEDOUT");
  // One firing fewer: the kernel gives up where the majority retransmits.
  ASSERT_EQ(o.schedule.size() + 1, p.schedule.size());
  // ... at about the time of the majority's last firing (its own phases run later).
  EXPECT_LT(o.give_up_us, p.give_up_us);
  EXPECT_GT(o.give_up_us, o.schedule.back().at_us);
  EXPECT_NEAR(double(o.give_up_us), double(p.schedule.back().at_us), 64.0 * 4 * kMs);
  for (size_t i = 0; i < o.schedule.size(); ++i) EXPECT_EQ(o.schedule[i].kind, p.schedule[i].kind);
}

TEST(Wheel, NoPhaseSplitGivesNoOtherOutcome) {
  // Wheel.Retries2Is3: every phase retransmits at 3.072 s (2.868-2.896 s elapsed).
  KernelParams kp;
  kp.tcp_retries2 = 3;
  EXPECT_FALSE(predict_data_retransmission(kp, {}, 200 * kMs).other_phase.has_value());
}

// --- tail loss probe -------------------------------------------------------------

TEST(TailLossProbe, ShiftsTheRtoChain) {
  // tcp_schedule_loss_probe(), one segment in flight, srtt 50 us: PTO =
  // usecs_to_jiffies(2 * 50 + 200000) = 51 j, min with the RTO (51 j) = 0.204 s.
  // tcp_send_loss_probe() re-arms a full RTO, so the first RTO retransmission
  // (the stamp) is at 0.408 s, then 0.816, 1.632, 3.264 (elapsed 2.856 < 3.0),
  // 6.528 (elapsed 6.12: give up), with tcp_retries2 = 3.
  KernelParams kp = ideal();
  kp.tcp_retries2 = 3;
  FlightParams f;
  f.rto_us = 204 * kMs;
  f.srtt_us = 50;
  f.sack = true;
  const Prediction p = predict_data_retransmission(kp, {}, f);
  EXPECT_EQ(times_of(p, "tail_loss_probe"), (std::vector<int64_t>{204 * kMs}));
  EXPECT_EQ(times_of(p, "retransmit"), (std::vector<int64_t>{408 * kMs, 816 * kMs, 1632 * kMs, 3264 * kMs}));
  EXPECT_EQ(p.give_up_us, 6528 * kMs);
}

TEST(TailLossProbe, SeveralSegmentsProbeAfterTwoMs) {
  // packets_out > 1: PTO = usecs_to_jiffies(2 * srtt + TCP_TIMEOUT_MIN_US
  // (2 ms)) = usecs_to_jiffies(2100) = 1 j = 4 ms; first RTO at 4 + 204 ms.
  // Without SACK there is no probe at all.
  KernelParams kp = ideal();
  FlightParams f;
  f.rto_us = 204 * kMs;
  f.srtt_us = 50;
  f.packets_out = 3;
  f.sack = true;
  const Prediction p = predict_data_retransmission(kp, {}, f);
  EXPECT_EQ(times_of(p, "tail_loss_probe"), (std::vector<int64_t>{4 * kMs}));
  EXPECT_EQ(times_of(p, "retransmit").front(), 208 * kMs);
  f.sack = false;
  EXPECT_TRUE(times_of(predict_data_retransmission(kp, {}, f), "tail_loss_probe").empty());
}

// --- keepalive -------------------------------------------------------------------

}  // namespace
}  // namespace crashlab::model
