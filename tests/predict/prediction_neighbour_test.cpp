// Where the survivor's neighbour entry moves or ends the model's answer: connect()
// to a dead neighbour against the SYN timer, and data retransmissions that outlive
// the entry. Pure: PredictionInput values by hand.
#include <gtest/gtest.h>

#include "fixtures/send_into_silence.hpp"
#include "runner/predict/neighbour.hpp"
#include "runner/predict/prediction.hpp"

using namespace crashlab::runner;
using crashlab::NudState;

namespace {
PredictionInput connect_to_dead_neighbour() {
  PredictionInput in;
  in.peer = PredictionInput::Peer::Silent;
  in.connect_ms = 0;
  return in;
}

PredictionInput data_into_silence(int retries2) {
  // As the handshake leaves it: STALE, so the first send starts DELAY.
  PredictionInput in = crashlab::testing_values::send_into_silence(20, NudState::Stale);
  in.kernel.tcp_retries2 = retries2;
  return in;
}
}  // namespace

// Plus the jiffy the timer wheel adds to every timer_list (calc_index()).
TEST(NeighbourProbes, AreAtLeastHzOver100ApartInWholeJiffiesPlusOne) {
  PredictionInput in;
  in.arp_retrans_ms = 0;
  EXPECT_DOUBLE_EQ(neigh_probe_interval_ms(in), 8 + 4);  // HZ/100 = 2 jiffies at HZ=250
  in.arp_retrans_ms = 1;
  EXPECT_DOUBLE_EQ(neigh_probe_interval_ms(in), 8 + 4);
  in.arp_retrans_ms = 1001;
  EXPECT_DOUBLE_EQ(neigh_probe_interval_ms(in), 1004 + 4);
  in = connect_to_dead_neighbour();
  in.arp_retrans_ms = 0;
  EXPECT_DOUBLE_EQ(*predict_side(in).detected_after_ms, 36);  // 3 probes, 12 ms apart (measured: 11.4, 12.0, 12.0)
}

TEST(ConnectToADeadNeighbour, WithoutProbesOnlyTheSynTimerEndsIt) {
  PredictionInput in = connect_to_dead_neighbour();
  in.arp_probes = 0;  // the entry fails at once and drops the SYN without an ICMP
  in.kernel.tcp_syn_retries = 2;
  SidePrediction p = predict_side(in);
  ASSERT_TRUE(p.detected_after_ms);
  EXPECT_EQ(p.error, "ETIMEDOUT");
  EXPECT_GT(*p.detected_after_ms, 6000);  // tcp_model_timeout(2, 1 s) = 7 s
}

TEST(ConnectToADeadNeighbour, ASynTimerThatGivesUpFirstReportsEtimedout) {
  PredictionInput in = connect_to_dead_neighbour();
  in.arp_probes = 6;  // ARP fails at 6 s
  in.kernel.tcp_syn_retries = 1;  // tcp_model_timeout(1, 1 s) = 3 s
  SidePrediction p = predict_side(in);
  EXPECT_TRUE(p.not_modelled.empty()) << p.not_modelled;
  EXPECT_EQ(p.error, "ETIMEDOUT");
  EXPECT_LT(*p.detected_after_ms, 4000);
}

TEST(ConnectToADeadNeighbour, ASynGiveUpOnTheNeighboursFailureIsNotModelled) {
  PredictionInput in = connect_to_dead_neighbour();
  in.kernel.tcp_syn_retries = 1;  // 3 s, as the 3 probes 1 s apart
  SidePrediction p = predict_side(in);
  EXPECT_FALSE(p.detected_after_ms);
  EXPECT_NE(p.not_modelled.find("whichever timer runs first"), std::string::npos) << p.not_modelled;
}

TEST(ConnectToADeadNeighbour, OnceTheSynBacksOffTheIcmpRetransmitsItOnceMore) {
  PredictionInput in = connect_to_dead_neighbour();
  in.arp_probes = 10;  // fails at 10 s: SYNs at 1-5 s (linear), 7 s (backed off)
  SidePrediction p = predict_side(in);
  ASSERT_FALSE(p.schedule.empty());
  EXPECT_DOUBLE_EQ(p.schedule.back().at_ms, *p.detected_after_ms);  // tcp_ld_RTO_revert at the failure
  EXPECT_FALSE(p.schedule.back().optional);
  in.arp_probes = 3;  // the defaults: still linear at 3 s, no revert
  p = predict_side(in);
  EXPECT_EQ(p.schedule.size(), 3u);  // SYNs at 1 s, 2 s and the 3 s one racing the failure
}

TEST(DataIntoSilence, ARetransmissionAfterTheNeighbourEntryFailsIsNotModelled) {
  // retries2=5: the last retransmission (6.6 s) comes before the entry can fail (8.0 s).
  SidePrediction p = predict_side(data_into_silence(5));
  EXPECT_TRUE(p.not_modelled.empty()) << p.not_modelled;
  ASSERT_TRUE(p.detected_after_ms);
  // retries2=6: one at ~13.3 s waits for ARP, whose ICMP comes before the give-up.
  p = predict_side(data_into_silence(6));
  EXPECT_FALSE(p.detected_after_ms);
  EXPECT_NE(p.not_modelled.find("neighbour entry"), std::string::npos) << p.not_modelled;
  EXPECT_NE(p.not_modelled.find("EHOSTUNREACH"), std::string::npos) << p.not_modelled;
}

TEST(DataIntoSilence, AnEntryThatFailsLaterLeavesTheChainToTheModel) {
  PredictionInput in = data_into_silence(6);
  in.neighbour.delay_first_probe_ms = 30000;
  EXPECT_TRUE(predict_side(in).not_modelled.empty());
}

TEST(DataIntoSilence, APeerBackWithAnUnannouncedMacAnswersTheBroadcast) {
  PredictionInput in = data_into_silence(6);
  in.peer_back_unannounced_ms = 1000;
  const SidePrediction p = predict_side(in);
  EXPECT_NE(p.not_modelled.find("answers (RST)"), std::string::npos) << p.not_modelled;
}
