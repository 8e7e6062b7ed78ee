// The model's inputs are read from a Measurement and the spec alone: sysctls as
// read back, socket options, TCP_INFO at the fault, the first send, the fault's
// own view of the peer. Pure: no namespaces, no root.
#include <gtest/gtest.h>

#include "fixtures/measurements.hpp"
#include "runner/predict/prediction.hpp"
#include "runner/predict/prediction_input.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

TEST(PredictionInput, TheSideTheFaultHitGetsNoPrediction) {
  CaseSpec spec = host_crash_send_case(R"({"detected_after_ms": "model"})");
  Measurement m = measurement_of(spec);
  EXPECT_FALSE(prediction_input(spec, m, Role::Client));
  EXPECT_TRUE(prediction_input(spec, m, Role::Server));
}

TEST(PredictionInput, SysctlsAsReadBackAndTheFirstSendSetTheInputs) {
  CaseSpec spec = host_crash_send_case(R"({"detected_after_ms": "model"})");
  Measurement m = measurement_of(spec);
  m.sides[Role::Server].app = {{Outcome{Outcome::Kind::Sent, 0}, at_ms(12), 3000, ""},
                               {Outcome{Outcome::Kind::Sent, 0}, at_ms(40), 10, ""}};
  auto in = prediction_input(spec, m, Role::Server);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->kernel.tcp_retries2, 3);  // the case's sysctl, as read back
  EXPECT_EQ(in->peer, PredictionInput::Peer::Silent);
  ASSERT_TRUE(in->send_ms);
  EXPECT_DOUBLE_EQ(*in->send_ms, 12);  // the first send, not the last
  EXPECT_EQ(in->flight.packets_out, 3);  // 3000 bytes at an MSS of 1448
  EXPECT_EQ(in->flight.rto_us, 204000);
  EXPECT_TRUE(in->flight.sack);
  ASSERT_TRUE(in->last_recv_ms);
  EXPECT_DOUBLE_EQ(*in->last_recv_ms, -21);  // TCP_INFO 1 ms before the fault, 20 ms since the last ACK
  EXPECT_EQ(in->kernel.tcp_syn_linear_timeouts, 0);  // absent: an older kernel's behaviour
}

TEST(PredictionInput, ARebootAnswersRstUnlessTheNewMacWasNeverAnnounced) {
  auto reboot = [](const std::string& extra) {
    return case_from(R"({"description": "d", "fault": {"type": "host-reboot", "target": "client", "reboot_after_ms": 1000)" +
                     extra + R"(}, "window_ms": 9000, "expect": {"server": {"detected_after_ms": "model"}}})");
  };
  CaseSpec spec = reboot("");
  Measurement m = measurement_of(spec);
  m.recovered_t_ns = at_ms(1050);
  m.peer_there_t_ns = at_ms(1052);  // a later step's time (the announcement) is the model's
  auto in = prediction_input(spec, m, Role::Server);
  ASSERT_TRUE(in && in->recovery_ms);
  EXPECT_DOUBLE_EQ(*in->recovery_ms, 1052);
  EXPECT_TRUE(in->recovery_answers_rst);
  spec = reboot(R"(, "new_mac": true)");
  EXPECT_FALSE(prediction_input(spec, m, Role::Server)->recovery_ms);
  EXPECT_EQ(prediction_input(spec, m, Role::Server)->peer_back_unannounced_ms, 1052);
  spec = reboot(R"(, "new_mac": true, "gratuitous_arp": true)");
  EXPECT_TRUE(prediction_input(spec, m, Role::Server)->recovery_ms);
}

TEST(PredictionInput, AHealLetsTheNextFiringThroughAndConnectAfterTheFaultCountsFromConnect) {
  CaseSpec spec = case_from(R"({"description": "d", "connect": "after_fault",
    "fault": {"type": "partition", "target": "server", "drop": "tcp", "heal_after_ms": 500},
    "window_ms": 9000, "expect": {"client": {"detected_after_ms": "model"}}})");
  Measurement m = measurement_of(spec);
  m.recovered_t_ns = m.peer_there_t_ns = at_ms(501);
  m.connect_t_ns = at_ms(3);
  auto in = prediction_input(spec, m, Role::Client);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->peer, PredictionInput::Peer::TcpDropped);
  ASSERT_TRUE(in->connect_ms);
  EXPECT_DOUBLE_EQ(*in->connect_ms, 3);
  EXPECT_FALSE(in->recovery_answers_rst);
  EXPECT_DOUBLE_EQ(*in->recovery_ms, 501);
}

TEST(PredictionInput, AProcessCrashIsNotModelledAndSaysWhy) {
  CaseSpec spec = case_from(R"({"description": "d", "fault": {"type": "process-crash", "target": "client"},
    "window_ms": 1000, "expect": {"server": {"app": ["EOF"]}}})");
  auto in = prediction_input(spec, measurement_of(spec), Role::Server);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->peer, PredictionInput::Peer::Other);
  EXPECT_NE(in->not_modelled.find("answers at once"), std::string::npos);
}

TEST(PredictionInput, SocketOptionsFeedTheModel) {
  SocketOptions o = {{"SO_KEEPALIVE", 1}, {"TCP_KEEPIDLE", 2}, {"TCP_USER_TIMEOUT", 2500}};
  model::SocketParams p = socket_params(o);
  EXPECT_TRUE(p.keepalive);
  EXPECT_EQ(p.keepidle_s, 2);
  EXPECT_EQ(p.user_timeout_ms, 2500u);
  EXPECT_FALSE(p.keepcnt);
}

// A program side has no SENT records: when the kernel retransmitted for it after the
// fault, it sent something at a time crashlab cannot see, and the model says so
// instead of predicting for an idle connection (a new user's TCP_USER_TIMEOUT client).
TEST(PredictionInput, AProgramThatSentAfterTheFaultIsNotModelled) {
  CaseSpec spec = host_crash_send_case(R"({"detected_after_ms": "model"})");
  Measurement m = measurement_of(spec);
  m.sides[Role::Server].app.clear();
  m.sides[Role::Server].program = ProgramRecord{};
  EXPECT_TRUE(predict(spec, m).at(Role::Server).not_modelled.empty()) << "an idle program is modelled";
  const ConnKey& k = m.sides[Role::Server].key;
  KernelEvent retx{KernelEvent::Kind::Retransmit, at_ms(404)};
  retx.saddr = k.local_addr, retx.sport = k.local_port, retx.daddr = k.remote_addr, retx.dport = k.remote_port;
  m.kernel_events.push_back(retx);
  const SidePrediction p = predict(spec, m).at(Role::Server);
  EXPECT_NE(p.not_modelled.find("the program sent data after the fault"), std::string::npos) << p.reason;
  EXPECT_NE(p.not_modelled.find("404.0 ms"), std::string::npos) << p.reason;
  EXPECT_FALSE(p.detected_after_ms);
}

// A survivor that closes after its peer died: tcp_orphan_retries bounds its FIN, the
// zero is the close, no application sees the end, and the judge measures the socket's
// CLOSE after the close.
TEST(PredictionInput, AnOrphanIsBoundByTcpOrphanRetriesFromTheClose) {
  CaseSpec spec = case_from(R"({"description": "d", "sysctls": {"server": {"net.ipv4.tcp_orphan_retries": 3}},
    "fault": {"type": "host-crash", "target": "client"},
    "after_fault": [{"role": "server", "do": "close", "delay_ms": 100}],
    "window_ms": 9000, "expect": {"server": {"app": [], "detected_after_ms": "model"}}})");
  Measurement m = measurement_of(spec);
  SideMeasurement& server = m.sides[Role::Server];
  server.sysctls["net.ipv4.tcp_orphan_retries"] = "3";
  server.closed_t_ns = at_ms(100);
  auto in = prediction_input(spec, m, Role::Server);
  ASSERT_TRUE(in && in->close_ms);
  EXPECT_DOUBLE_EQ(*in->close_ms, 100);
  EXPECT_EQ(in->kernel.tcp_orphan_retries, 3);
  const SidePrediction p = predict_side(*in);
  ASSERT_TRUE(p.detected_after_ms) << p.reason;
  // The same budget as host-crash/send's retries2=3, counted from the close: 6.6 s on.
  EXPECT_GT(*p.detected_after_ms, 100 + 6600);
  EXPECT_LT(*p.detected_after_ms, 100 + 6700);
  EXPECT_EQ(p.error, "");  // nobody is left to read ETIMEDOUT
  EXPECT_NE(p.time_zero.find("close()"), std::string::npos) << p.time_zero;

  EXPECT_FALSE(detected_ns(server));  // the socket has not ended yet
  add_state(server, 0, "ESTABLISHED");
  add_state(server, 100, "FIN_WAIT1");
  add_state(server, 6750, "CLOSE");
  ASSERT_TRUE(detected_ns(server));
  EXPECT_EQ(*detected_ns(server), at_ms(6750));
  server.closed_t_ns.reset();  // a socket that closed without its application closing it first
  EXPECT_FALSE(detected_ns(server));
}
