// Data retransmissions that run past the neighbour horizon: the model once for each
// retransmission that may be the first sent on a failed entry. Pure code.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixtures/send_into_silence.hpp"
#include "runner/predict/past_horizon.hpp"

using namespace crashlab;
using namespace crashlab::runner;

namespace {
// Data sent into a dead host at the fault with TCP_USER_TIMEOUT, the entry REACHABLE
// at the fault (a case's default): it can be FAILED from 15 + 5 + 3 x 1.004 = 23.0 s.
PredictionInput busy(uint32_t user_timeout_ms) {
  PredictionInput in = testing_values::send_into_silence(0, NudState::Reachable);
  in.socket.user_timeout_ms = user_timeout_ms;
  return in;
}

model::Prediction alone(const PredictionInput& in) { return model::predict_data_retransmission(in.kernel, in.socket, in.flight); }

size_t retransmissions_from(const model::Prediction& p, double from_ms) {
  return size_t(std::count_if(p.schedule.begin(), p.schedule.end(), [&](const model::Firing& f) {
    return f.kind == "retransmit" && double(f.at_us + f.late_max_us) / 1e3 >= from_ms;
  }));
}
}  // namespace

TEST(DataPastHorizon, AChainThatEndsBeforeTheHorizonIsTheModelsAlone) {
  const PredictionInput in = busy(10000);  // last retransmission about 6.5 s after the send
  EXPECT_FALSE(data_past_horizon(in, alone(in)));
  PredictionInput idle = in;
  idle.send_ms.reset();
  idle.last_recv_ms = 0;
  EXPECT_FALSE(data_past_horizon(idle, alone(in)));  // only data in flight
}

TEST(DataPastHorizon, EachRetransmissionAfterTheHorizonMayBeTheFirstOnAFailedEntry) {
  const PredictionInput in = busy(118000);  // retransmissions double to about 26, 52 and 104 s
  const model::Prediction tcp = alone(in);
  const auto past = data_past_horizon(in, tcp);
  ASSERT_TRUE(past);
  EXPECT_TRUE(past->not_covered.empty());
  EXPECT_NEAR(past->horizon.fails_from_ms, 23012, 1);
  EXPECT_NEAR(past->arp_wait_ms, 3 * 1004, 1e-9);
  ASSERT_EQ(past->chains.size(), retransmissions_from(tcp, past->horizon.fails_from_ms));
  ASSERT_GE(past->chains.size(), 2u);
  for (const model::Prediction& c : past->chains) {
    // The user timeout still decides the earliest moment: the revert never fires early.
    EXPECT_GE(c.give_up_us, tcp.give_up_us) << c.reason;
    EXPECT_EQ(c.error, "EHOSTUNREACH") << c.reason;
  }
  // Failed before the retransmission at ~52 s: the RTO stays at ~26 s, and the ICMP of
  // the one at ~104 s (at ~107 s, before the clamped firing at 118.4 s) re-arms the
  // timer for ~130 s: a whole reverted RTO past the user timeout.
  const model::Prediction& second = past->chains[1];
  EXPECT_GT(second.give_up_us, tcp.give_up_us + 10000000) << second.reason;
  EXPECT_NE(second.reason.find("tcp_ld_RTO_revert"), std::string::npos) << second.reason;
}

TEST(DataPastHorizon, ASendThatMayMeetTheFailedEntryIsNotCovered) {
  PredictionInput in = busy(118000);
  in.neighbour.state = std::nullopt;  // no entry: the send itself waits for broadcast ARP
  const auto past = data_past_horizon(in, alone(in));
  ASSERT_TRUE(past);
  EXPECT_TRUE(past->chains.empty());
  EXPECT_NE(past->not_covered.find("the send itself"), std::string::npos) << past->not_covered;
}
