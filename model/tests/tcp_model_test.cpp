// Unit tests for the TCP timing model. Every expected number is derived in a
// comment from the kernel rule it checks (function names refer to
// net/ipv4/tcp_timer.c unless noted). "Ideal" tests switch the timer-wheel
// model off, so timers fire exactly at expiry; "wheel" tests derive the
// rounding of kernel/time/timer.c calc_index():
//   bucket = ((expires >> 3*level) + 1) << 3*level, level by distance
//   (level 0 < 63 jiffies, level 1 < 504, level 2 < 4032, level 3 < 32256 ...).
// At HZ=250 one jiffy is 4 ms, TCP_RTO_MIN = HZ/5 = 50 jiffies = 200 ms.

#include <gtest/gtest.h>

#include "model/tcp_model.hpp"

namespace crashlab::model {
namespace {
// SO_KEEPALIVE with TCP_KEEPIDLE / TCP_KEEPINTVL and, when given, TCP_KEEPCNT and TCP_USER_TIMEOUT.
SocketParams keepalive_socket(int idle_s, int intvl_s, std::optional<int> cnt = std::nullopt,
                              std::optional<uint32_t> user_timeout_ms = std::nullopt) {
  SocketParams sp;
  sp.keepalive = true;
  sp.keepidle_s = idle_s;
  sp.keepintvl_s = intvl_s;
  sp.keepcnt = cnt;
  sp.user_timeout_ms = user_timeout_ms;
  return sp;
}


constexpr int64_t kMs = 1000;
constexpr int64_t kSec = 1000000;

FlightParams flight(int64_t rto_us) {
  FlightParams f;
  f.rto_us = rto_us;
  return f;
}

KernelParams ideal() {
  KernelParams kp;
  kp.model_timer_wheel = false;
  return kp;
}

std::vector<int64_t> times_of(const Prediction& p, const std::string& kind) {
  std::vector<int64_t> out;
  for (const Firing& f : p.schedule)
    if (f.kind == kind) out.push_back(f.at_us);
  return out;
}

// --- tcp_model_timeout() / the documentation's hypothetical timeout --------

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

TEST(Keepalive, IdleIntvlCnt) {
  // tcp_keepalive_timer(): the first firing is keepidle after the last
  // segment received; probes_out 0..4 < 5 -> probes at 10, 13, 16, 19, 22 s;
  // the firing at 22 + 3 = 25 s finds probes_out = 5 >= 5: give up
  // (idle + intvl * cnt).
  const SocketParams sp = keepalive_socket(10, 3, 5);
  const Prediction p = predict_keepalive(ideal(), sp);
  EXPECT_EQ(times_of(p, "keepalive_probe"),
            (std::vector<int64_t>{10 * kSec, 13 * kSec, 16 * kSec, 19 * kSec, 22 * kSec}));
  EXPECT_EQ(p.give_up_us, 25 * kSec);
  EXPECT_EQ(p.error, "ETIMEDOUT");
  EXPECT_FALSE(p.alternative_give_up_us.has_value());  // a count cannot step
}

TEST(Keepalive, IdleIntvlCntWithWheel) {
  // 10 s = 2500 j from time zero lands on level 2 (64 j): 1..64 j late, at
  // best 10.004 s. Each 3 s = 750 j re-arm (level 2) starts on a multiple of
  // 64 and 750 = 11 * 64 + 46, so it is exactly 18 j late: 768 j = 3.072 s.
  // Give-up = 2501 + 5 * 768 = 6341 j = 25.364 s; worst 63 j later, 25.616 s.
  const SocketParams sp = keepalive_socket(10, 3, 5);
  const Prediction p = predict_keepalive(KernelParams{}, sp);
  EXPECT_EQ(p.give_up_us, 25364 * kMs);
  EXPECT_EQ(p.give_up_late_max_us, 252 * kMs);
  EXPECT_EQ(p.nominal_give_up_us, 25 * kSec);
}

TEST(Keepalive, UserTimeoutReplacesTheCount) {
  // With TCP_USER_TIMEOUT the condition is elapsed >= msecs_to_jiffies(ut)
  // && probes_out > 0 (TCP_KEEPCNT ignored). ut = 20 s: firings at 10, 13,
  // 16, 19 (elapsed < 20: probes), 22 (>= 20, 4 probes out): give up at 22 s.
  const SocketParams sp = keepalive_socket(10, 3, 2, 20000);
  const Prediction p = predict_keepalive(ideal(), sp);
  EXPECT_EQ(times_of(p, "keepalive_probe").size(), 4u);
  EXPECT_EQ(p.give_up_us, 22 * kSec);
}

TEST(Keepalive, UserTimeoutShorterThanIdleNeedsOneProbe) {
  // ut = 5 s < idle: the firing at 10 s has probes_out = 0, so it probes; the
  // next firing at 13 s has elapsed >= 5 s and probes_out = 1: give up.
  const SocketParams sp = keepalive_socket(10, 3, std::nullopt, 5000);
  const Prediction p = predict_keepalive(ideal(), sp);
  EXPECT_EQ(times_of(p, "keepalive_probe").size(), 1u);
  EXPECT_EQ(p.give_up_us, 13 * kSec);
}

TEST(Keepalive, UserTimeoutStepFunction) {
  // ut = 19.3 s: the firing at 19 s is 0.3 s short (probe #4), the one at
  // 22 s gives up. 19 s is within the margin (2% of 19.3 s = 386 ms), so the
  // neighbouring outcome is giving up at 19 s.
  const SocketParams sp = keepalive_socket(10, 3, std::nullopt, 19300);
  const Prediction p = predict_keepalive(ideal(), sp);
  EXPECT_EQ(p.give_up_us, 22 * kSec);
  ASSERT_TRUE(p.alternative_give_up_us.has_value());
  EXPECT_EQ(*p.alternative_give_up_us, 19 * kSec);
}

TEST(Keepalive, OffNeverGivesUp) {
  // Without SO_KEEPALIVE nothing runs on an idle connection.
  const Prediction p = predict_keepalive(KernelParams{}, SocketParams{});
  EXPECT_EQ(p.give_up_us, -1);
  EXPECT_EQ(p.error, "");
  EXPECT_TRUE(p.schedule.empty());
}

TEST(Keepalive, DefaultsFromSysctls) {
  // 7200 + 9 * 75 = 7875 s.
  SocketParams sp;
  sp.keepalive = true;
  EXPECT_EQ(predict_keepalive(ideal(), sp).give_up_us, 7875 * kSec);
}

// --- SYN retries -------------------------------------------------------------------

TEST(Syn, DefaultWithLinearTimeouts) {
  // ip-sysctl.rst: tcp_syn_retries 6 "corresponds to 67seconds (with
  // tcp_syn_linear_timeouts = 4) till the last retransmission ... the final
  // timeout ... after 131seconds"; SYN RTOs "1, 1, 1, 1, 1, 2, 4, ...".
  // tcp_write_timeout(): max_retransmits = 6 + 4 = 10; tcp_retransmit_timer()
  // backs off only once total_rto > 4: SYNs at 1, 2, 3, 4, 5, 7, 11, 19, 35,
  // 67 s; the next firing at 67 + 64 = 131 s finds 10 >= 10.
  const Prediction p = predict_syn(ideal(), {});
  EXPECT_EQ(times_of(p, "syn_retransmit"), (std::vector<int64_t>{1 * kSec, 2 * kSec, 3 * kSec, 4 * kSec, 5 * kSec,
                                                                 7 * kSec, 11 * kSec, 19 * kSec, 35 * kSec,
                                                                 67 * kSec}));
  EXPECT_EQ(p.give_up_us, 131 * kSec);
  EXPECT_EQ(p.error, "ETIMEDOUT");
}

TEST(Syn, WithoutLinearTimeouts) {
  // Pre-6.5 documentation: "63seconds till the last retransmission ... final
  // timeout ... after 127seconds": 1, 3, 7, 15, 31, 63, then 63 + 64 = 127.
  KernelParams kp = ideal();
  kp.tcp_syn_linear_timeouts = 0;
  const Prediction p = predict_syn(kp, {});
  EXPECT_EQ(times_of(p, "syn_retransmit"),
            (std::vector<int64_t>{1 * kSec, 3 * kSec, 7 * kSec, 15 * kSec, 31 * kSec, 63 * kSec}));
  EXPECT_EQ(p.give_up_us, 127 * kSec);
}

TEST(Syn, SyncntTimeBudgetBeatsTheCount) {
  // TCP_SYNCNT = 2: count limit 2 + 4 = 6, but retransmits_timed_out() also
  // runs in SYN_SENT with tcp_model_timeout(2, 1 s) = (2^3 - 1) * 1 s = 7 s
  // from the first SYN (tcp_connect sets retrans_stamp). SYNs at 1..5 s; the
  // firing at 7 s has 5 retransmissions (< 6) but 7 s elapsed >= 7 s.
  SocketParams sp;
  sp.syncnt = 2;
  const Prediction p = predict_syn(ideal(), sp);
  EXPECT_EQ(times_of(p, "syn_retransmit").size(), 5u);
  EXPECT_EQ(p.give_up_us, 7 * kSec);
}

TEST(Syn, UserTimeout) {
  // TCP_USER_TIMEOUT = 5 s from the first SYN: SYNs at 1, 2, 3, 4 s; the
  // clamp keeps the 1 s RTO; the firing at 5 s has 5 s elapsed: give up.
  SocketParams sp;
  sp.user_timeout_ms = 5000;
  const Prediction p = predict_syn(ideal(), sp);
  EXPECT_EQ(times_of(p, "syn_retransmit").size(), 4u);
  EXPECT_EQ(p.give_up_us, 5 * kSec);
}

TEST(Syn, WheelMatchesTheDefaultChain) {
  // Earliest phase: the first 250 j arm (level 1) is 1 j late -> 1.004 s;
  // each further 250 j arm starts on a multiple of 8, 250 = 31 * 8 + 2 -> 6 j
  // late (256 j): 2.028 .. 5.100 s; 500 j (level 1, 500 = 62 * 8 + 4): 504 j
  // -> 7.116 s; 1000 j (level 2) at least 8 j late -> 11.148 s; 2000 j
  // (2000 = 31 * 64 + 16): 2048 j -> 19.340 s; 4000 j (level 2, 62 * 64 + 32):
  // 4032 j -> 35.468 s; 8000 j (level 3, 512 j buckets) at least 64 j late ->
  // 67.724 s; 16000 j (31 * 512 + 128, starting on a multiple of 512): 16384 j
  // -> 133.260 s. Worst phase: 2.044 s later. (A published tcpdump of this
  // chain gave up after 133.4, 135.2 and 135.3 s.)
  const Prediction p = predict_syn(KernelParams{}, {});
  EXPECT_EQ(times_of(p, "syn_retransmit").back(), 67724 * kMs);
  EXPECT_EQ(p.give_up_us, 133260 * kMs);
  EXPECT_EQ(p.give_up_late_max_us, 2044 * kMs);
}

// --- orphans -----------------------------------------------------------------------

TEST(Orphan, RetriesZeroMeansEightWhileAlive) {
  // tcp_orphan_retries(): 0 -> 8 while icsk_rto < rto_max, so the budget is
  // tcp_model_timeout(8) = 102.2 s, as in DataIdeal.Retries2Is8: give up at
  // 204.6 s after 9 retransmissions.
  const Prediction p = predict_orphan_retransmission(ideal(), {}, flight(200 * kMs));
  EXPECT_EQ(times_of(p, "retransmit").size(), 9u);
  EXPECT_EQ(p.give_up_us, 204600 * kMs);
}

TEST(Orphan, DeadOnceTheRtoReachesRtoMax) {
  // TCP_RTO_MAX_MS = 1000: after 3 retransmissions icsk_rto = min(1.6, 1) s
  // = rto_max, so alive is false and tcp_orphan_retries() returns the sysctl
  // (0): budget tcp_model_timeout(0) = 0.2 s. Firings at 0.2 (stamp), 0.6,
  // 1.4, then 2.4 s where 2.2 s >= 0.2 s: the socket is dropped.
  SocketParams sp;
  sp.rto_max_ms = 1000;
  const Prediction p = predict_orphan_retransmission(ideal(), sp, flight(200 * kMs));
  EXPECT_EQ(times_of(p, "retransmit").size(), 3u);
  EXPECT_EQ(p.give_up_us, 2400 * kMs);
}

TEST(Orphan, FinWait2) {
  // tcp_fin_time() = max(tcp_fin_timeout, 3.5 RTO). 60 s <= TCP_TIMEWAIT_LEN:
  // one FIN_WAIT2 timewait socket for 60 s. 30 s: 30 s. 90 s > 60 s: the
  // keepalive timer waits 90 - 60 = 30 s, then tcp_keepalive_timer() makes a
  // timewait socket for tcp_fin_time() - 60 = 30 s: 60 s in total.
  KernelParams kp = ideal();
  Prediction p = predict_orphan_fin_wait2(kp, 204 * kMs);
  EXPECT_EQ(p.give_up_us, 60 * kSec);
  EXPECT_EQ(p.error, "");
  kp.tcp_fin_timeout_s = 30;
  EXPECT_EQ(predict_orphan_fin_wait2(kp, 204 * kMs).give_up_us, 30 * kSec);
  kp.tcp_fin_timeout_s = 90;
  EXPECT_EQ(predict_orphan_fin_wait2(kp, 204 * kMs).give_up_us, 60 * kSec);
}

// --- errors -------------------------------------------------------------------------

TEST(Errors, SoftErrorReplacesEtimedout) {
  // tcp_write_err(): sk_err = sk_err_soft ? : ETIMEDOUT.
  SocketParams sp;
  sp.soft_error = "EHOSTUNREACH";
  EXPECT_EQ(predict_data_retransmission(ideal(), sp, 200 * kMs).error, "EHOSTUNREACH");
  EXPECT_EQ(predict_syn(ideal(), sp).error, "EHOSTUNREACH");
}

TEST(Errors, BadInputsThrow) {
  KernelParams kp;
  kp.hz = 0;
  EXPECT_THROW(predict_syn(kp, {}), std::invalid_argument);
  EXPECT_THROW(predict_data_retransmission(KernelParams{}, {}, 0), std::invalid_argument);
}

TEST(Reason, NamesTheDecidingRule) {
  KernelParams kp = ideal();
  kp.tcp_retries2 = 3;
  const std::string r = predict_data_retransmission(kp, {}, 200 * kMs).reason;
  EXPECT_NE(r.find("tcp_retries2=3"), std::string::npos) << r;
  EXPECT_NE(r.find("3.000 s"), std::string::npos) << r;
  EXPECT_NE(r.find("retrans_stamp"), std::string::npos) << r;
}

}  // namespace
}  // namespace crashlab::model
