// Unit tests for the TCP timing model. Every expected number is derived in a
// comment from the kernel rule it checks (function names refer to
// net/ipv4/tcp_timer.c unless noted). "Ideal" tests switch the timer-wheel
// model off, so timers fire exactly at expiry; "wheel" tests derive the
// rounding of kernel/time/timer.c calc_index():
//   bucket = ((expires >> 3*level) + 1) << 3*level, level by distance
//   (level 0 < 63 jiffies, level 1 < 504, level 2 < 4032, level 3 < 32256 ...).
// At HZ=250 one jiffy is 4 ms, TCP_RTO_MIN = HZ/5 = 50 jiffies = 200 ms.
// This file: keepalive, SYN, orphan schedules, soft errors and reasons.

#include <gtest/gtest.h>

#include "model/tests/model_test_helpers.hpp"

namespace crashlab::model {
namespace {
using namespace testing_helpers;

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
