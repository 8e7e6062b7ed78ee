// Data retransmissions after the survivor's neighbour entry has failed
// (NeighbourFailure): each retransmission waits for broadcast ARP, whose failure
// sends ICMP host-unreachable; tcp_v4_err() sets sk_err_soft and
// tcp_ld_RTO_revert() (RFC 6069) takes one step of backoff back and re-arms the
// timer for the segment's send time + that RTO, without the user timeout's clamp.
// Ideal timers, HZ=250, RTO 200 ms, no tail loss probe: the chain without the
// neighbour retransmits at 0.2 (retrans_stamp), 0.6, 1.4, 3.0, 6.2, 12.6, 25.4 s.
#include <gtest/gtest.h>

#include "model/tests/model_test_helpers.hpp"

namespace crashlab::model {
namespace {
using namespace testing_helpers;

NeighbourFailure fails_from(int64_t from_us) {
  NeighbourFailure n;
  n.from_us = from_us;
  n.probes = 3;               // mcast_solicit
  n.probe_delay_us = 1 * kSec;  // retrans_time: the ARP fails 3 s after the segment
  return n;
}

SocketParams user_timeout(uint32_t ms) {
  SocketParams sp;
  sp.user_timeout_ms = ms;
  return sp;
}
}  // namespace

TEST(NeighbourFailure, TheRevertKeepsTheRtoAndOutrunsTheUserTimeoutsClamp) {
  // Deadline 0.2 + 30 = 30.2 s; without the neighbour the clamp fires there.
  const Prediction alone = predict_data_retransmission(ideal(), user_timeout(30000), flight(200 * kMs));
  EXPECT_EQ(alone.give_up_us, 30200 * kMs);
  EXPECT_EQ(alone.error, "ETIMEDOUT");
  // Failed from 10 s: 12.6 s waits for ARP (its timer armed for 25.4 s); the ICMP at
  // 15.6 s reverts the RTO to 6.4 s: timer at 12.6 + 6.4 = 19.0 s. 19.0 waits, ICMP
  // 22.0, timer 25.4; 25.4 waits, its clamped timer is at 30.2 but the ICMP at 28.4
  // re-arms it for 25.4 + 6.4 = 31.8 s, where 31.6 s have elapsed: EHOSTUNREACH.
  const Prediction p = predict_data_retransmission(ideal(), user_timeout(30000), flight(200 * kMs), fails_from(10 * kSec));
  EXPECT_EQ(times_of(p, "retransmit"),
            (std::vector<int64_t>{200 * kMs, 600 * kMs, 1400 * kMs, 3000 * kMs, 6200 * kMs, 12600 * kMs, 19000 * kMs,
                                  25400 * kMs}));
  EXPECT_EQ(p.give_up_us, 31800 * kMs);
  EXPECT_EQ(p.error, "EHOSTUNREACH");
  EXPECT_NE(p.reason.find("tcp_ld_RTO_revert"), std::string::npos) << p.reason;
}

TEST(NeighbourFailure, AnIcmpAfterTheClampedFiringChangesOnlyTheError) {
  // Deadline 27.2 s: 25.4 s waits for ARP until 28.4 s, the clamped timer fires first.
  const Prediction p = predict_data_retransmission(ideal(), user_timeout(27000), flight(200 * kMs), fails_from(10 * kSec));
  EXPECT_EQ(p.give_up_us, 27200 * kMs);
  EXPECT_EQ(p.error, "EHOSTUNREACH");  // the ICMPs at 15.6 and 22.0 s
  // Failed only from 25 s: no ICMP before the give-up.
  const Prediction late = predict_data_retransmission(ideal(), user_timeout(27000), flight(200 * kMs), fails_from(25 * kSec));
  EXPECT_EQ(late.give_up_us, 27200 * kMs);
  EXPECT_EQ(late.error, "ETIMEDOUT");
}

TEST(NeighbourFailure, TheRevertCanBringARetries2GiveUpForward) {
  // tcp_retries2=8: 102.2 s from retrans_stamp. Alone: 102.2 s has 102.0 s elapsed and
  // retransmits, the next firing (RTO 102.4 s) gives up at 204.6 s.
  KernelParams kp = ideal();
  kp.tcp_retries2 = 8;
  EXPECT_EQ(predict_data_retransmission(kp, SocketParams{}, flight(200 * kMs)).give_up_us, 204600 * kMs);
  // Failed from 40 s: 51.0 s waits (RTO kept at 25.6 s), then 76.6, 102.2 and the
  // firing at 127.8 s has 127.6 s elapsed.
  const Prediction p = predict_data_retransmission(kp, SocketParams{}, flight(200 * kMs), fails_from(40 * kSec));
  EXPECT_EQ(p.give_up_us, 127800 * kMs);
  EXPECT_EQ(p.error, "EHOSTUNREACH");
}

TEST(NeighbourFailure, ARetransmissionStillWaitingIsNotSentAgain) {
  // RTO 200 ms, failed from the start: 0.2 s waits until 3.2 s; the firings at 0.6,
  // 1.4 and 3.0 s find it still in the host and send nothing (but back off: RTO 3.2 s).
  // The ICMP at 3.2 s reverts to 1.6 s: 0.2 + 1.6 has passed, so it retransmits at once.
  const Prediction p = predict_data_retransmission(ideal(), user_timeout(5000), flight(200 * kMs), fails_from(0));
  const std::vector<int64_t> sent = times_of(p, "retransmit");
  ASSERT_GE(sent.size(), 2u);
  EXPECT_EQ(sent[0], 200 * kMs);
  EXPECT_EQ(sent[1], 3200 * kMs);
}

TEST(NeighbourFailure, WithoutBroadcastProbesNothingComesBack) {
  // mcast_solicit=0: the entry drops the segment without an ICMP, as if it had left.
  NeighbourFailure n = fails_from(0);
  n.probes = 0;
  const Prediction alone = predict_data_retransmission(ideal(), user_timeout(30000), flight(200 * kMs));
  const Prediction p = predict_data_retransmission(ideal(), user_timeout(30000), flight(200 * kMs), n);
  EXPECT_EQ(p.give_up_us, alone.give_up_us);
  EXPECT_EQ(p.error, "ETIMEDOUT");
  n.probe_delay_us = 0;
  EXPECT_THROW(predict_data_retransmission(ideal(), user_timeout(30000), flight(200 * kMs), n), std::invalid_argument);
}

}  // namespace crashlab::model
