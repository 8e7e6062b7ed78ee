// Where the survivor's neighbour entry stops the timing model: the earliest
// moment an entry for a peer that answers no ARP can be FAILED, by its state at
// the fault, and the predictions that become "not modelled" because TCP would
// still transmit after it. Pure code: no privileges.
#include <gtest/gtest.h>

#include "runner/predict/neighbour_horizon.hpp"

using namespace crashlab;
using namespace crashlab::runner;

namespace {
// Data sent into a dead host 30 ms after the fault, with the kernel's neighbour defaults.
PredictionInput data_into_silence(int retries2, std::optional<NudState> entry) {
  PredictionInput in;
  in.peer = PredictionInput::Peer::Silent;
  in.send_ms = 30;
  in.kernel.tcp_retries2 = retries2;
  in.flight.rto_us = 204000;
  in.neighbour.known = true;
  in.neighbour.state = entry;
  in.neighbour.since_ms = -0.2;
  return in;
}

bool not_modelled(const SidePrediction& p) { return p.reason.rfind("not modelled: ", 0) == 0; }
}  // namespace

TEST(NeighbourHorizon, AReachableEntryLastsHalfItsBaseThenDelayThenUnicastProbes) {
  auto h = neighbour_horizon(data_into_silence(3, NudState::Reachable), 30);
  ASSERT_TRUE(h);
  EXPECT_DOUBLE_EQ(h->fails_from_ms, -0.2 + 15000 + 5000 + 3 * (1000 + 4));  // each probe a jiffy late
  PredictionInput in = data_into_silence(3, NudState::Reachable);
  in.neighbour.base_reachable_ms = 4000;
  in.neighbour.delay_first_probe_ms = 2000;
  in.neighbour.ucast_probes = 2;
  in.arp_retrans_ms = 500;
  EXPECT_DOUBLE_EQ(neighbour_horizon(in, 30)->fails_from_ms, -0.2 + 2000 + 2000 + 2 * (500 + 4));
}

TEST(NeighbourHorizon, StaleCountsFromTheFirstPacketAndUnresolvedFailsAtOnce) {
  EXPECT_DOUBLE_EQ(neighbour_horizon(data_into_silence(3, NudState::Stale), 30)->fails_from_ms, 30 + 5000 + 3 * (1000 + 4));
  EXPECT_DOUBLE_EQ(neighbour_horizon(data_into_silence(3, NudState::Delay), 30)->fails_from_ms, -0.2 + 3 * (1000 + 4));
  EXPECT_DOUBLE_EQ(neighbour_horizon(data_into_silence(3, std::nullopt), 30)->fails_from_ms, 30);
  EXPECT_DOUBLE_EQ(neighbour_horizon(data_into_silence(3, NudState::Failed), 30)->fails_from_ms, 30);
  EXPECT_FALSE(neighbour_horizon(data_into_silence(3, NudState::Permanent), 30));
}

TEST(NeighbourHorizon, APeerThatAnswersArpOrAnUnmeasuredEntryHasNone) {
  PredictionInput in = data_into_silence(3, NudState::Stale);
  in.peer = PredictionInput::Peer::TcpDropped;
  EXPECT_FALSE(neighbour_horizon(in, 30));
  in.peer = PredictionInput::Peer::Silent;
  in.neighbour.known = false;
  EXPECT_FALSE(neighbour_horizon(in, 30));
}

TEST(NeighbourHorizon, AShortBudgetBeforeTheHorizonIsPredictedAsBefore) {
  SidePrediction p = predict_side(data_into_silence(3, NudState::Reachable));
  ASSERT_TRUE(p.detected_after_ms) << p.reason;
  EXPECT_EQ(p.error, "ETIMEDOUT");
  EXPECT_FALSE(not_modelled(p));
}

TEST(NeighbourHorizon, TransmissionsAfterTheHorizonAreNotModelled) {
  SidePrediction p = predict_side(data_into_silence(8, NudState::Reachable));  // ~100 s of retransmissions
  EXPECT_TRUE(not_modelled(p)) << p.reason;
  EXPECT_FALSE(p.detected_after_ms);
  EXPECT_TRUE(p.schedule.empty());
  EXPECT_NE(p.reason.find("FAILED from 23.0 s"), std::string::npos) << p.reason;
  EXPECT_NE(p.reason.find("EHOSTUNREACH"), std::string::npos) << p.reason;
  EXPECT_NE(p.reason.find("TCP's timers alone: "), std::string::npos) << p.reason;
  // A STALE entry fails 8 s after the send: retries2=6 still retransmits at ~13.3 s,
  // retries2=5 last at ~6.7 s (its firing at ~13.3 s gives up without sending).
  EXPECT_TRUE(not_modelled(predict_side(data_into_silence(6, NudState::Stale))));
  EXPECT_FALSE(not_modelled(predict_side(data_into_silence(5, NudState::Stale))));
  EXPECT_TRUE(not_modelled(predict_side(data_into_silence(3, std::nullopt))));
}

TEST(NeighbourHorizon, ConnectWithAnEntryUsesTheSynBudgetUntilTheHorizon) {
  PredictionInput in;
  in.peer = PredictionInput::Peer::Silent;
  in.connect_ms = 0;
  in.kernel.tcp_syn_retries = 2;
  in.kernel.tcp_syn_linear_timeouts = 0;
  in.neighbour.known = true;
  in.neighbour.state = NudState::Reachable;
  SidePrediction p = predict_side(in);  // SYNs at 0, 1, 3 s: ETIMEDOUT at 7 s, no ARP in the way
  ASSERT_TRUE(p.detected_after_ms) << p.reason;
  EXPECT_EQ(p.error, "ETIMEDOUT");
  in.neighbour.state = std::nullopt;  // no entry: the SYN waits for ARP, which fails first
  EXPECT_EQ(predict_side(in).error, "EHOSTUNREACH");
  in.neighbour.state = NudState::Reachable;
  in.kernel.tcp_syn_retries = 6;  // SYNs until 63 s: past the horizon
  EXPECT_TRUE(not_modelled(predict_side(in)));
}
