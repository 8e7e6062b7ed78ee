// The model before the run: the pre-run prediction from the spec alone, the
// observation window it sets, the refusals and the expected wall time. Pure.
#include <gtest/gtest.h>

#include "fixtures/measurements.hpp"
#include "runner/case/overrides.hpp"
#include "runner/judge/judge.hpp"
#include "runner/predict/planned.hpp"
#include "runner/run/plan/judgeable.hpp"
#include "runner/run/plan/window.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

namespace {
const ModelTolerance kDefaultTolerance{};

double model_give_up_ms(int retries2, double send_ms) {
  model::KernelParams k;
  k.tcp_retries2 = retries2;
  model::FlightParams f{200100, 100, 1, true};
  return send_ms + double(model::predict_data_retransmission(k, {}, f).give_up_us) / 1e3;
}
}  // namespace

TEST(PlannedInput, TheSpecAloneSetsTheInputsWithKernelDefaultsForTheRest) {
  CaseSpec spec = host_crash_send_case(R"({"detected_after_ms": "model"})");
  EXPECT_FALSE(planned_input(spec, Role::Client));  // the side the fault hit
  auto in = planned_input(spec, Role::Server);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->kernel.tcp_retries2, 3);
  EXPECT_EQ(in->kernel.tcp_syn_linear_timeouts, model::KernelParams{}.tcp_syn_linear_timeouts);  // not set: the default
  EXPECT_EQ(in->flight.rto_us, 200100);  // RTO_MIN plus the assumed round trip
  EXPECT_TRUE(in->flight.sack);
  ASSERT_TRUE(in->send_ms);
  EXPECT_DOUBLE_EQ(*in->send_ms, 0);
  EXPECT_FALSE(in->last_recv_ms);
}

TEST(PlannedInput, TheSendsDelayMovesTimeZeroAndAnOverrideTheGiveUp) {
  CaseSpec spec = case_from(R"({"description": "d", "fault": {"type": "host-crash", "target": "client"},
    "after_fault": [{"role": "server", "do": "send", "bytes": 1000, "delay_ms": 300}],
    "window_ms": 9000, "expect": {"server": {"detected_after_ms": "model"}}})");
  apply_override(spec, "server.sysctl.net.ipv4.tcp_retries2=5");
  const Predictions p = plan(spec);
  ASSERT_TRUE(p.at(Role::Server).detected_after_ms);
  EXPECT_DOUBLE_EQ(*p.at(Role::Server).detected_after_ms, model_give_up_ms(5, 300));
  EXPECT_EQ(p.at(Role::Server).error, "ETIMEDOUT");
}

// An idle keepalive counts from the last segment: after_ms before the fault, not at it.
TEST(PlannedInput, AnIdleSideWasQuietForTheFaultsDelay) {
  CaseSpec spec = case_from(R"({"description": "d", "sockets": {"server": {"SO_KEEPALIVE": true, "TCP_KEEPIDLE": 2, "TCP_KEEPINTVL": 1, "TCP_KEEPCNT": 2}},
    "fault": {"type": "host-crash", "target": "client", "after_ms": 1500},
    "window_ms": 20000, "expect": {"server": {"detected_after_ms": "model"}}})");
  auto in = planned_input(spec, Role::Server);
  ASSERT_TRUE(in && in->last_recv_ms);
  EXPECT_DOUBLE_EQ(*in->last_recv_ms, -1500);
  const SidePrediction quiet = plan(spec).at(Role::Server);
  spec.fault.after_ms = 0;
  const SidePrediction at_once = plan(spec).at(Role::Server);
  ASSERT_TRUE(quiet.detected_after_ms && at_once.detected_after_ms) << quiet.reason << "\n" << at_once.reason;
  EXPECT_DOUBLE_EQ(*at_once.detected_after_ms, *quiet.detected_after_ms + 1500);
}

TEST(PlannedInput, ConnectAfterTheFaultCountsFromConnect) {
  CaseSpec spec = case_from(R"({"description": "d", "connect": "after_fault",
    "fault": {"type": "host-crash", "target": "server"},
    "window_ms": 9000, "expect": {"client": {"detected_after_ms": "model"}}})");
  auto in = planned_input(spec, Role::Client);
  ASSERT_TRUE(in && in->connect_ms);
  EXPECT_DOUBLE_EQ(*in->connect_ms, 0);
}

TEST(ObservationWindow, ReachesPastTheModelsAcceptanceWindowWhateverSetChanged) {
  CaseSpec spec = host_crash_send_case(R"({"detected_after_ms": "model"})");
  apply_override(spec, "server.sysctl.net.ipv4.tcp_retries2=5");
  const Predictions p = plan(spec);
  const SidePrediction& s = p.at(Role::Server);
  const double end = model_window(*s.detected_after_ms, s.late_max_ms, kDefaultTolerance, kPlanTickMs).hi;
  ASSERT_GT(end, double(spec.window_ms));  // the case's 9 s would stop before it
  ObservationWindow w = observation_window(spec, p);
  EXPECT_EQ(w.source, ObservationWindow::Source::Model);
  EXPECT_GE(double(w.ms), end + double(window_margin_ms(end)));
  EXPECT_LE(double(w.ms), end + double(window_margin_ms(end)) + 1);
  EXPECT_NE(window_text(w).find("(model)"), std::string::npos);
}

TEST(ObservationWindow, TheCasesWindowStandsWhereTheModelPredictsNoDetectionOrEarlier) {
  CaseSpec idle = case_from(R"({"description": "d", "fault": {"type": "host-crash", "target": "client"},
    "window_ms": 3000, "expect": {"server": {"detected_after_ms": "model"}}})");
  ObservationWindow w = observation_window(idle, plan(idle));
  EXPECT_EQ(w.source, ObservationWindow::Source::Case);
  EXPECT_EQ(w.ms, 3000);
  CaseSpec send = host_crash_send_case(R"({"detected_after_ms": "model"})");
  send.window_ms = 20000;
  EXPECT_EQ(observation_window(send, plan(send)).ms, 20000);
  EXPECT_EQ(observation_window(send, plan(send), 1234).source, ObservationWindow::Source::Flag);
  EXPECT_EQ(observation_window(send, plan(send), 1234).ms, 1234);
}

TEST(Unjudgeable, AHandWrittenWindowTheOverrideMovedThePredictionOutOf) {
  CaseSpec written = host_crash_send_case(R"({"detected_after_ms": [6000, 7500]})");
  ASSERT_GT(*plan(written).at(Role::Server).detected_after_ms, 6000);  // as written, it holds the prediction
  CaseSpec run = written;
  apply_override(run, "server.sysctl.net.ipv4.tcp_retries2=5");
  const Predictions planned = plan(run);
  auto why = unjudgeable(run, planned, plan(written), observation_window(run, planned));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("server.detected_after_ms [6000, 7500]"), std::string::npos) << *why;
  EXPECT_NE(why->find("does not follow --set"), std::string::npos) << *why;
  EXPECT_FALSE(unjudgeable(written, plan(written), plan(written), observation_window(written, plan(written))));
}

TEST(Unjudgeable, AWindowThatEndsBeforeTheExpectationStarts) {
  CaseSpec spec = host_crash_send_case(R"({"detected_after_ms": [6000, 7500]})");
  auto why = unjudgeable(spec, plan(spec), plan(spec), observation_window(spec, plan(spec), 5000));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("can never be judged"), std::string::npos) << *why;
}

TEST(ExpectedWall, LongestFirstOntoTheLeastLoadedWorker) {
  EXPECT_DOUBLE_EQ(expected_wall_ms({5, 10, 5}, 2), 10);
  EXPECT_DOUBLE_EQ(expected_wall_ms({5, 10, 5}, 1), 20);
  EXPECT_DOUBLE_EQ(expected_wall_ms({5, 10, 5}, 8), 10);
  EXPECT_DOUBLE_EQ(expected_wall_ms({}, 2), 0);
}

TEST(JudgeWindow, ADetectionPastTheWindowIsOneFailureLine) {
  CaseSpec spec = host_crash_send_case(R"({"detected_after_ms": "model"})");
  apply_override(spec, "server.sysctl.net.ipv4.tcp_retries2=5");
  Measurement m = measurement_of(spec);
  m.sides[Role::Server].app = {{Outcome{Outcome::Kind::Sent, 0}, at_ms(0), 1000, ""}};
  for (double t : {200.0, 410.0, 830.0}) m.kernel_events.push_back(retransmit(m.sides[Role::Server].key, t));
  const Predictions predicted = predict(spec, m);
  ASSERT_GT(*predicted.at(Role::Server).detected_after_ms, double(spec.window_ms));
  Judgement j = judge(spec, m, predicted);
  ASSERT_EQ(j.failures.size(), 1u);
  EXPECT_EQ(j.failures[0].field, "detected_after_ms");
  EXPECT_NE(j.failures[0].seen.find("not reached within the window"), std::string::npos) << j.failures[0].seen;
  EXPECT_NE(j.failures[0].seen.find("predicted"), std::string::npos);
}
