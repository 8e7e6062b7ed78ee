// Which model rule applies to a side, and how reboots, heals and ARP move its
// answer. Pure code: no privileges.
#include <gtest/gtest.h>

#include "runner/judge/firings.hpp"
#include "runner/predict/prediction.hpp"

using namespace crashlab;
using namespace crashlab::runner;

namespace {
PredictionInput data_into_silence() {
  PredictionInput in;
  in.peer = PredictionInput::Peer::Silent;
  in.send_ms = 30;
  in.kernel.tcp_retries2 = 3;
  in.flight.rto_us = 204000;
  return in;
}
}  // namespace

TEST(Prediction, DataIntoSilenceTimesOutFromTheFirstSend) {
  SidePrediction p = predict_side(data_into_silence());
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_EQ(p.error, "ETIMEDOUT");
  // Ideal arithmetic for retries2=3 from a 204 ms RTO is 6.2-6.7 s; the send was 30 ms after the fault.
  EXPECT_GT(*p.detected_after_ms, 6000);
  EXPECT_LT(*p.detected_after_ms, 7000);
  ASSERT_FALSE(p.schedule.empty());
  EXPECT_GT(p.schedule.front().at_ms, 30);
}

TEST(Prediction, ARebootedPeerAnswersTheFirstFiringAfterItWithRst) {
  PredictionInput in = data_into_silence();
  in.recovery_ms = 1000;
  in.recovery_answers_rst = true;
  SidePrediction p = predict_side(in);
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_EQ(p.error, "ECONNRESET");
  EXPECT_GE(*p.detected_after_ms, 1000);
  EXPECT_EQ(p.schedule.back().at_ms, *p.detected_after_ms);  // that firing is the last one
  for (size_t i = 0; i + 1 < p.schedule.size(); ++i) EXPECT_LT(p.schedule[i].at_ms, 1000);
}

// A switch port opening or an announcement takes effect somewhere while its step runs:
// a firing inside that span may or may not meet the peer.
TEST(Prediction, AFiringWhileThePeersReturnIsUnderWayIsNotModelled) {
  PredictionInput in = data_into_silence();
  in.recovery_answers_rst = true;
  in.recovery_ms = 1000;
  const std::vector<PredictedFiring> alone = predict_side(in).schedule;
  const auto before = std::find_if(alone.begin(), alone.end(), [](const PredictedFiring& f) { return f.at_ms < 1000; });
  ASSERT_NE(before, alone.end());
  in.recovery_from_ms = before->at_ms - 2;
  in.recovery_ms = before->at_ms + 3;
  SidePrediction p = predict_side(in);
  EXPECT_FALSE(p.detected_after_ms);
  EXPECT_NE(p.not_modelled.find("while the step that brings the peer back runs"), std::string::npos) << p.reason;
  in.recovery_from_ms = before->at_ms + before->late_max_ms + 1;  // after that firing's latest time: it missed the peer
  in.recovery_ms = *in.recovery_from_ms + 3;
  p = predict_side(in);
  EXPECT_TRUE(p.not_modelled.empty()) << p.reason;
  EXPECT_EQ(p.error, "ECONNRESET");
  EXPECT_GT(*p.detected_after_ms, *in.recovery_ms);
}

TEST(Prediction, AHealBeforeTheGiveUpMeansNoError) {
  PredictionInput in = data_into_silence();
  in.recovery_ms = 1200;
  SidePrediction p = predict_side(in);
  EXPECT_FALSE(p.detected_after_ms);
  EXPECT_EQ(p.error, "");
  EXPECT_GE(p.schedule.back().at_ms, 1200);
}

TEST(Prediction, AHealAfterTheGiveUpChangesNothing) {
  PredictionInput in = data_into_silence();
  const double alone = *predict_side(in).detected_after_ms;
  in.recovery_ms = alone + 500;
  SidePrediction p = predict_side(in);
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_EQ(*p.detected_after_ms, alone);
  EXPECT_EQ(p.error, "ETIMEDOUT");
}

TEST(Prediction, ASendAfterTheHealIsItselfWhatGetsThrough) {
  PredictionInput in = data_into_silence();
  in.send_ms = 1500;
  in.recovery_ms = 1000;
  SidePrediction p = predict_side(in);
  EXPECT_FALSE(p.detected_after_ms);
  EXPECT_TRUE(p.schedule.empty()) << "the send is ACKed: nothing is retransmitted";
  EXPECT_NE(p.reason.find("the send at 1500"), std::string::npos) << p.reason;
}

// partition/heal-after-timeout: the server gave up during the partition, so the
// client's send after the heal meets no socket and is answered with RST.
TEST(Prediction, AHealedPathToAPeerThatGaveUpAnswersTheSendWithRst) {
  PredictionInput in = data_into_silence();
  in.last_recv_ms = -5;  // idle until the send
  in.send_ms = 7700;
  in.recovery_ms = 7500;
  in.peer_gave_up_ms = 6700;
  in.peer_gave_up_late_ms = 250;
  SidePrediction p = predict_side(in);
  ASSERT_TRUE(p.detected_after_ms) << p.reason;
  EXPECT_EQ(*p.detected_after_ms, 7700);
  EXPECT_EQ(p.error, "ECONNRESET");
  EXPECT_TRUE(p.schedule.empty());
  EXPECT_NE(p.reason.find("gave up at 6700"), std::string::npos) << p.reason;
}

TEST(Prediction, ARetransmissionAfterTheHealToAPeerThatGaveUpIsAnsweredWithRst) {
  PredictionInput in = data_into_silence();
  in.recovery_ms = 1200;
  in.peer_gave_up_ms = 1000;
  in.peer_gave_up_late_ms = 100;
  SidePrediction p = predict_side(in);
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_EQ(p.error, "ECONNRESET");
  EXPECT_GE(*p.detected_after_ms, 1200);
  EXPECT_EQ(p.schedule.back().at_ms, *p.detected_after_ms);
}

TEST(Prediction, APeerThatGivesUpAfterTheSegmentArrivesStillAcksIt) {
  PredictionInput in = data_into_silence();
  in.recovery_ms = 1200;
  in.peer_gave_up_ms = 5000;
  SidePrediction p = predict_side(in);
  EXPECT_FALSE(p.detected_after_ms);
  EXPECT_EQ(p.error, "");
}

TEST(Prediction, ASegmentRacingThePeersGiveUpIsNotModelled) {
  PredictionInput in = data_into_silence();
  in.send_ms = 7700;
  in.recovery_ms = 7500;
  in.peer_gave_up_ms = 7600;
  in.peer_gave_up_late_ms = 250;  // the peer may still hold the socket at 7700
  SidePrediction p = predict_side(in);
  EXPECT_FALSE(p.not_modelled.empty());
  EXPECT_NE(p.not_modelled.find("which comes first"), std::string::npos) << p.not_modelled;
}

TEST(Prediction, ConnectToASilentNeighbourFailsWithArp) {
  PredictionInput in;
  in.peer = PredictionInput::Peer::Silent;
  in.connect_ms = 10;
  in.arp_probes = 3;
  in.arp_retrans_ms = 800;
  SidePrediction p = predict_side(in);
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_DOUBLE_EQ(*p.detected_after_ms, 10 + 3 * (800 + 4));  // each probe a jiffy after its expiry
  EXPECT_EQ(p.error, "EHOSTUNREACH");
  ASSERT_EQ(p.schedule.size(), 2u);  // the SYN retransmissions at 1 s and 2 s
  // Attempted while the first SYN waits in the neighbour's queue: nothing is sent.
  for (const auto& f : p.schedule) EXPECT_EQ(f.kind, "syn_retransmit_held");
  for (const auto& f : p.schedule) EXPECT_FALSE(f.optional);
  in.arp_retrans_ms = 1000;  // the defaults: the third SYN timer falls on the neighbour's give-up
  p = predict_side(in);
  ASSERT_EQ(p.schedule.size(), 3u);
  EXPECT_FALSE(p.schedule[1].optional);
  EXPECT_TRUE(p.schedule[2].optional);
}

TEST(Prediction, ConnectThroughATcpDropUsesTheSynBudget) {
  PredictionInput in;
  in.peer = PredictionInput::Peer::TcpDropped;
  in.connect_ms = 0;
  in.kernel.tcp_syn_retries = 3;
  in.kernel.tcp_syn_linear_timeouts = 4;
  SidePrediction p = predict_side(in);
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_EQ(p.error, "ETIMEDOUT");
  EXPECT_EQ(p.schedule.size(), 7u);  // syn_retries + linear timeouts
}

TEST(Prediction, NoTimerNoDetection) {
  PredictionInput in;
  in.peer = PredictionInput::Peer::Silent;
  in.last_recv_ms = -5;  // idle, keepalive off
  EXPECT_FALSE(predict_side(in).detected_after_ms);
  in.peer = PredictionInput::Peer::Acking;
  in.send_ms = 1;
  SidePrediction p = predict_side(in);
  EXPECT_FALSE(p.detected_after_ms);
  EXPECT_NE(p.reason.find("ACKs"), std::string::npos);
  in.peer = PredictionInput::Peer::Other;
  in.not_modelled = "because";
  EXPECT_EQ(predict_side(in).reason, "not modelled: because");
}

TEST(PairFirings, AMissingObservationLeavesOneFiringUnpaired) {
  std::vector<PredictedFiring> f = {{"tail_loss_probe", 1, 240, 0}, {"retransmit", 1, 448, 0}, {"retransmit", 2, 860, 28}};
  auto near = [](const PredictedFiring& p, double at) { return at >= p.at_ms - 20 && at <= p.at_ms + p.late_max_ms + 20; };
  EXPECT_EQ(pair_firings(f, {241, 870}, near), (std::vector<int>{0, -1, 1}));
  EXPECT_EQ(pair_firings(f, {241, 449, 880}, near), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(pair_firings(f, {100, 449}, near), (std::vector<int>{-1, 1, -1}));
}
