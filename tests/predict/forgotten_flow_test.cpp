// The model's rules for a router that forgot the flow: its reset, its idle timeout
// and the keepalive that keeps it. Pure code: no privileges.
#include <gtest/gtest.h>

#include "runner/predict/forgotten_flow.hpp"
#include "runner/predict/prediction.hpp"

using namespace crashlab;
using namespace crashlab::runner;

namespace {
PredictionInput behind_a_nat(PredictionInput::Peer peer, std::optional<double> idle_timeout_ms) {
  PredictionInput in;
  in.peer = peer;
  in.peer_after_idle_ms = idle_timeout_ms;
  in.last_recv_ms = -20;
  in.kernel.tcp_retries2 = 3;
  in.flight.rto_us = 204000;
  return in;
}

PredictionInput with_keepalive(PredictionInput in, int idle_s) {
  in.socket.keepalive = true;
  in.socket.keepidle_s = idle_s;
  in.socket.keepintvl_s = 1;
  in.socket.keepcnt = 3;
  return in;
}
}  // namespace

TEST(ForgottenFlow, AResetAnswersTheFirstSendAtOnce) {
  PredictionInput in = behind_a_nat(PredictionInput::Peer::AnswersRst, std::nullopt);
  in.send_ms = 500;
  SidePrediction p = predict_side(in);
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_EQ(*p.detected_after_ms, 500);
  EXPECT_EQ(p.error, "ECONNRESET");
  EXPECT_TRUE(p.schedule.empty()) << "nothing is retransmitted";
}

TEST(ForgottenFlow, AResetAnswersTheFirstKeepaliveProbe) {
  SidePrediction p = predict_side(with_keepalive(behind_a_nat(PredictionInput::Peer::AnswersRst, std::nullopt), 2));
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_NEAR(*p.detected_after_ms, 2000 - 20, 5);
  EXPECT_EQ(p.error, "ECONNRESET");
  ASSERT_EQ(p.schedule.size(), 1u);
}

TEST(ForgottenFlow, WithNothingToSendNoSideLearnsAnything) {
  SidePrediction p = predict_side(behind_a_nat(PredictionInput::Peer::AnswersRst, 2000));
  EXPECT_FALSE(p.detected_after_ms);
  EXPECT_TRUE(p.not_modelled.empty()) << p.reason;
}

TEST(ForgottenFlow, ASendAfterTheIdleTimeoutIsDroppedAsIntoSilence) {
  PredictionInput in = behind_a_nat(PredictionInput::Peer::TcpDropped, 2000);
  in.send_ms = 3000;
  SidePrediction p = predict_side(in);
  PredictionInput from_the_fault = in;
  from_the_fault.peer_after_idle_ms.reset();
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_EQ(p.error, "ETIMEDOUT");
  EXPECT_EQ(*p.detected_after_ms, *predict_side(from_the_fault).detected_after_ms);
}

TEST(ForgottenFlow, AKeepaliveFasterThanTheTimeoutKeepsTheFlowAndALaterSendGetsThrough) {
  PredictionInput in = with_keepalive(behind_a_nat(PredictionInput::Peer::TcpDropped, 3000), 1);
  in.send_ms = 5000;
  SidePrediction p = predict_side(in);
  EXPECT_FALSE(p.detected_after_ms) << p.reason;
  EXPECT_TRUE(p.not_modelled.empty()) << p.reason;
  EXPECT_NE(p.reason.find("keepalive keeps the flow"), std::string::npos) << p.reason;
}

TEST(ForgottenFlow, AKeepaliveSlowerThanTheTimeoutTimesOutAsIntoSilence) {
  PredictionInput in = with_keepalive(behind_a_nat(PredictionInput::Peer::TcpDropped, 2000), 3);
  SidePrediction p = predict_side(in);
  PredictionInput from_the_fault = in;
  from_the_fault.peer_after_idle_ms.reset();
  ASSERT_TRUE(p.detected_after_ms) << p.reason;
  EXPECT_EQ(p.error, "ETIMEDOUT");
  EXPECT_EQ(*p.detected_after_ms, *predict_side(from_the_fault).detected_after_ms);
}

TEST(ForgottenFlow, AKeepaliveIntervalPastTheTimeoutDoesNotKeepIt) {
  // The first probe (1 s) crosses in time, but after it the timer waits TCP_KEEPINTVL = 10 s.
  PredictionInput in = with_keepalive(behind_a_nat(PredictionInput::Peer::TcpDropped, 3000), 1);
  in.socket.keepintvl_s = 10;
  const SidePrediction p = predict_side(in);
  EXPECT_FALSE(p.not_modelled.empty()) << p.reason;
  EXPECT_NE(p.not_modelled.find("TCP_KEEPINTVL"), std::string::npos) << p.reason;
}

TEST(ForgottenFlow, AResetAnswersWhicheverSegmentComesFirst) {
  PredictionInput in = with_keepalive(behind_a_nat(PredictionInput::Peer::AnswersRst, std::nullopt), 1);
  in.send_ms = 3000;
  const SidePrediction p = predict_side(in);
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_NEAR(*p.detected_after_ms, 1000 - 20, 5) << "the probe at 1 s, not the send at 3 s: " << p.reason;
  in.socket.keepalive = false;
  EXPECT_EQ(*predict_side(in).detected_after_ms, 3000);
}

TEST(ForgottenFlow, TheOtherSidesSegmentRenewsTheSharedEntry) {
  PredictionInput in = behind_a_nat(PredictionInput::Peer::TcpDropped, 3000);
  in.send_ms = 5000;
  in.other_side_crosses_ms = 1000;  // e.g. the other side's keepalive probe
  const SidePrediction p = predict_side(in);
  EXPECT_NE(p.not_modelled.find("the other side's first segment"), std::string::npos) << p.reason;
  in.other_side_crosses_ms = 6000;  // after the expiry: dropped too
  EXPECT_TRUE(predict_side(in).not_modelled.empty());
}

TEST(ForgottenFlow, EachSideLearnsWhenTheOtherCrosses) {
  std::map<Role, PredictionInput> inputs;
  inputs[Role::Client] = with_keepalive(behind_a_nat(PredictionInput::Peer::TcpDropped, 3000), 1);
  inputs[Role::Server] = behind_a_nat(PredictionInput::Peer::TcpDropped, 3000);
  share_the_flow(inputs);
  ASSERT_TRUE(inputs[Role::Server].other_side_crosses_ms);
  EXPECT_NEAR(*inputs[Role::Server].other_side_crosses_ms, 1000 - 20, 5);
  EXPECT_FALSE(inputs[Role::Client].other_side_crosses_ms) << "the server sends nothing";
}

TEST(ForgottenFlow, ASegmentNearTheExpiryOrASendBeforeItIsNotModelled) {
  PredictionInput near = with_keepalive(behind_a_nat(PredictionInput::Peer::TcpDropped, 2000), 2);
  EXPECT_FALSE(predict_side(near).not_modelled.empty()) << "a probe at the expiry itself";
  PredictionInput early = behind_a_nat(PredictionInput::Peer::TcpDropped, 5000);
  early.send_ms = 1000;
  const SidePrediction p = predict_side(early);
  EXPECT_NE(p.not_modelled.find("crosses while the entry lives"), std::string::npos) << p.reason;
}

TEST(ForgottenFlow, ANewConnectionIsNotTheForgottenFlow) {
  PredictionInput in = behind_a_nat(PredictionInput::Peer::AnswersRst, std::nullopt);
  in.connect_ms = 0;
  EXPECT_FALSE(predict_side(in).not_modelled.empty());
}
