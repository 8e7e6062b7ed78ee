// The judge is a pure function of the spec, a Measurement and the model's
// predictions: each expectation passes on what it claims and fails on what it
// does not. No namespaces, no root.
#include <gtest/gtest.h>

#include "fixtures/measurements.hpp"
#include "runner/judge/judge.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

namespace {
std::vector<int> ids(const std::vector<std::string>& names) {
  std::vector<int> out;
  for (const auto& n : names) out.push_back(tcp_state_from_name(n));
  return out;
}

// The server sent 1000 bytes into a crashed host and timed out exactly as the model said.
struct AsPredicted {
  CaseSpec spec = host_crash_send_case(
      R"({"states": ["ESTABLISHED", "CLOSE"], "app": ["SENT", "ETIMEDOUT"], "detected_after_ms": "model"})");
  Measurement m = measurement_of(spec);
  Predictions predicted;

  AsPredicted() {
    predicted = server_sent_after_fault(spec, m);
    server_times_out_as(m, predicted.at(Role::Server));
  }
  std::vector<std::string> failed_fields() const {
    std::vector<std::string> out;
    for (const Failure& f : judge(spec, m, predicted).failures) out.push_back(f.field);
    return out;
  }
};
}  // namespace

TEST(Judge, WhatTheModelPredictedPasses) {
  AsPredicted run;
  Judgement j = judge(run.spec, run.m, run.predicted);
  for (const Failure& f : j.failures) ADD_FAILURE() << f.text();
  EXPECT_EQ(j.verdict(), Verdict::Pass);
  EXPECT_FALSE(j.expected_detection.at(Role::Server).empty());
}

TEST(Judge, ADetectionOutsideTheModelsWindowFails) {
  AsPredicted run;
  const double predicted = *run.predicted.at(Role::Server).detected_after_ms;
  run.m.sides[Role::Server].app.back().t_ns = at_ms(predicted * 1.5);
  EXPECT_EQ(run.failed_fields(), std::vector<std::string>{"detected_after_ms"});
}

TEST(Judge, AnotherErrorThanTheModelsFailsTheAppAndTheError) {
  AsPredicted run;
  run.m.sides[Role::Server].app.back().outcome = *Outcome::parse("EHOSTUNREACH");
  EXPECT_EQ(run.failed_fields(), (std::vector<std::string>{"app", "error"}));
}

TEST(Judge, AMissingRetransmissionIsNamedOnlyWhenTheObserverIsExact) {
  AsPredicted run;
  run.m.kernel_events.erase(run.m.kernel_events.begin() + 1);
  auto failed = run.failed_fields();
  ASSERT_GE(failed.size(), 2u);
  EXPECT_EQ(failed[0], "retransmissions");
  EXPECT_EQ(failed[1], "retransmissions[1]");
  run.m.observer.exact = false;  // sock_diag cannot see retransmissions
  EXPECT_TRUE(run.failed_fields().empty());
}

TEST(Judge, SampledStatesMayMissShortOnesButExactOnesMayNot) {
  AsPredicted run;
  run.spec.expect[Role::Server].states = ids({"ESTABLISHED", "FIN_WAIT1", "CLOSE"});
  EXPECT_EQ(run.failed_fields(), std::vector<std::string>{"states"});
  run.m.observer.exact = false;
  EXPECT_TRUE(run.failed_fields().empty());
}

TEST(Judge, StateAtEndAndSendsNothing) {
  AsPredicted run;
  run.spec.expect[Role::Server].state_at_end = tcp_state_from_name("ESTABLISHED");
  run.spec.expect[Role::Server].sends_nothing = true;
  run.m.sides[Role::Server].segments_sent_after_fault = 4;
  EXPECT_EQ(run.failed_fields(), (std::vector<std::string>{"state_at_end", "sends_nothing"}));
}

TEST(Judge, AHandWrittenWindowIsJudgedAsWritten) {
  AsPredicted run;
  auto& e = run.spec.expect[Role::Server];
  e.detected_by_model.reset();
  const double seen = double(run.m.sides[Role::Server].app.back().t_ns - kFault) / 1e6;
  e.detected_after_ms = {int64_t(seen) - 10, int64_t(seen) + 10};
  EXPECT_TRUE(run.failed_fields().empty());
  e.detected_after_ms = {0, int64_t(seen) - 100};
  EXPECT_EQ(run.failed_fields(), std::vector<std::string>{"detected_after_ms"});
}

TEST(StatesMatch, ExactObserverNeedsTheWholeSequence) {
  auto want = ids({"ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSE"});
  EXPECT_TRUE(states_match(want, want, true));
  EXPECT_FALSE(states_match(want, ids({"ESTABLISHED", "CLOSE_WAIT", "CLOSE"}), true));
  EXPECT_FALSE(states_match(want, ids({"ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSE", "CLOSE"}), true));
}

TEST(StatesMatch, SampledSequenceMayMissMiddleStatesOnly) {
  auto want = ids({"ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSE"});
  EXPECT_TRUE(states_match(want, ids({"ESTABLISHED", "CLOSE_WAIT", "CLOSE"}), false));
  EXPECT_FALSE(states_match(want, ids({"ESTABLISHED", "CLOSE_WAIT"}), false));                     // wrong end
  EXPECT_FALSE(states_match(want, ids({"ESTABLISHED", "LAST_ACK", "CLOSE_WAIT", "CLOSE"}), false));  // order
  EXPECT_FALSE(states_match(want, ids({"ESTABLISHED", "FIN_WAIT1", "CLOSE"}), false));  // a state not expected
  EXPECT_FALSE(states_match(want, {}, false));
}

TEST(ModelWindow, TheLargestToleranceWinsAndTheSpreadWidensTheTop) {
  ModelWindow w = model_window(1000, 100, ModelTolerance{5, 0}, 4);
  EXPECT_DOUBLE_EQ(w.lo, 950);
  EXPECT_DOUBLE_EQ(w.hi, 1150);
  w = model_window(20, 0, ModelTolerance{5, 0}, 4);  // one tick beats 5 % of 20 ms
  EXPECT_DOUBLE_EQ(w.lo, 16);
  w = model_window(1000, 0, ModelTolerance{5, 80}, 4);
  EXPECT_DOUBLE_EQ(w.hi, 1080);
}

TEST(FoldedOutcomes, RepeatsFoldExceptSends) {
  auto o = [](const char* n) { return AppRecord{*Outcome::parse(n), 0, 0, ""}; };
  auto folded = folded_outcomes({o("SENT"), o("SENT"), o("EPIPE"), o("EPIPE"), o("EOF")});
  std::vector<std::string> names;
  for (const Outcome& x : folded) names.push_back(x.name());
  EXPECT_EQ(names, (std::vector<std::string>{"SENT", "SENT", "EPIPE", "EOF"}));
}
