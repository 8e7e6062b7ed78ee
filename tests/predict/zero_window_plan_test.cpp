// The pre-run plan of a writer blocked on a peer that stopped reading: the probe
// timer's state at the fault, the peer's rate-limited answers, and the connections
// that die before the fault. Pure code: no privileges.
#include <gtest/gtest.h>

#include "runner/case/case_parse.hpp"
#include "runner/predict/planned.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using nlohmann::json;

namespace {
CaseSpec blocked_writer(int retries2, bool client_reads = false) {
  json j = json::parse(R"({
    "description": "d",
    "reads": {"server": false},
    "before_fault": [{"role": "server", "do": "send", "bytes": 4194304, "blocks": true}],
    "fault": {"type": "host-crash", "target": "client", "after_ms": 3000},
    "window_ms": 12000,
    "expect": {"server": {"detected_after_ms": "model"}}
  })");
  j["sysctls"] = {{"server", {{"net.ipv4.tcp_retries2", retries2}}}};
  j["reads"]["client"] = client_reads;
  return parse_case(j, "f", "x/y");
}
}  // namespace

TEST(ZeroWindowPlan, TheLastAnsweredProbeAndTheBackoffAtTheFault) {
  // The plan's RTO is 200.1 ms (TCP_RTO_MIN plus a 0.1 ms round trip), 51 jiffies =
  // 204 ms at HZ=250. Probes at 0.204 s (answered), 0.612 s (within 500 ms of that
  // answer: none), 1.428 s (answered; backoff now 3 = tcp_retries2); the next would be
  // at 3.06 s, after the fault at 3 s.
  const auto in = planned_input(blocked_writer(3), Role::Server);
  ASSERT_TRUE(in && in->zero_window_backoff);
  EXPECT_EQ(*in->zero_window_backoff, 3);
  const double last_ack = 7 * 204 - 3000;
  EXPECT_NEAR(*in->last_recv_ms, last_ack, 0.01);
  const SidePrediction p = plan(blocked_writer(3)).at(Role::Server);
  ASSERT_TRUE(p.detected_after_ms) << p.reason;
  EXPECT_EQ(p.error, "ETIMEDOUT");
  // Four firings 51 jiffies << 3 = 1.632 s apart from that ACK, each up to 8 jiffies
  // (level 1 of the wheel) and one more late.
  EXPECT_GE(*p.detected_after_ms, last_ack + 4 * 1632) << p.reason;
  EXPECT_LE(*p.detected_after_ms + p.late_max_ms, last_ack + 4 * (1632 + 9 * 4)) << p.reason;
}

TEST(ZeroWindowPlan, AProbeCountOfOneDiesBeforeTheFaultWhileThePeerLives) {
  const SidePrediction p = plan(blocked_writer(1)).at(Role::Server);
  EXPECT_NE(p.not_modelled.find("aborts the connection before the fault"), std::string::npos) << p.reason;
}

TEST(ZeroWindowPlan, ASendThePeersBufferTakesWholeNeverClosesTheWindow) {
  CaseSpec spec = blocked_writer(3);
  spec.before_fault[0].bytes = 100;
  const auto in = planned_input(spec, Role::Server);
  ASSERT_TRUE(in);
  EXPECT_FALSE(in->zero_window_backoff);
}

TEST(ZeroWindowPlan, APeerThatReadsNeverClosesItsWindow) {
  const auto in = planned_input(blocked_writer(3, true), Role::Server);
  ASSERT_TRUE(in);
  EXPECT_FALSE(in->zero_window_backoff);
}
