// runner/judge/phase_taken.cpp: a run that took the outcome the timer wheel's phase
// gives in some phases is held to that outcome, and only then.
#include <gtest/gtest.h>

#include "fixtures/measurements.hpp"
#include "runner/judge/judge.hpp"
#include "runner/judge/phase_taken.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

namespace {
// host-crash/send@ipv6 on 6.1 under qemu: the model gave the majority of phases one more
// retransmission and a give-up at 6.8 s, and 24 of 64 phases a give-up at the firing
// before it (3.4 s), which the kernel took.
struct GaveUpAFiringEarlier {
  CaseSpec spec = host_crash_send_case(
      R"({"states": ["ESTABLISHED", "CLOSE"], "app": ["SENT", "ETIMEDOUT"], "detected_after_ms": "model"})");
  Measurement m = measurement_of(spec);
  Predictions predicted;

  GaveUpAFiringEarlier() {
    predicted = server_sent_after_fault(spec, m);
    SidePrediction& main = predicted.at(Role::Server);
    SidePrediction other = main;
    other.schedule.pop_back();
    other.detected_after_ms = main.schedule.back().at_ms;
    other.late_max_ms = main.schedule.back().late_max_ms;
    other.reason = "the other phases";
    main.other_phase.push_back(other);
    server_times_out_as(m, other);
  }
};
}  // namespace

TEST(PhaseTaken, ARunThatTookThePhasesOtherOutcomeIsHeldToIt) {
  GaveUpAFiringEarlier run;
  EXPECT_FALSE(judge(run.spec, run.m, run.predicted).failures.empty()) << "the majority outcome should not hold";
  const Predictions taken = with_the_phase_taken(run.spec, run.m, run.predicted);
  EXPECT_EQ(taken.at(Role::Server).reason, "the other phases");
  for (const Failure& f : judge(run.spec, run.m, taken).failures) ADD_FAILURE() << f.text();
}

TEST(PhaseTaken, WithoutAnOtherOutcomeTheMajorityStands) {
  GaveUpAFiringEarlier run;
  run.predicted.at(Role::Server).other_phase.clear();
  const Predictions taken = with_the_phase_taken(run.spec, run.m, run.predicted);
  EXPECT_NE(taken.at(Role::Server).reason, "the other phases");
  EXPECT_FALSE(judge(run.spec, run.m, taken).failures.empty());
}

TEST(PhaseTaken, ARunThatMeetsNeitherOutcomeIsHeldToTheMajority) {
  GaveUpAFiringEarlier run;
  run.m.kernel_events.pop_back();  // one firing of the other outcome missing too
  const Predictions taken = with_the_phase_taken(run.spec, run.m, run.predicted);
  EXPECT_NE(taken.at(Role::Server).reason, "the other phases");
}

TEST(PhaseTaken, ARunThatMeetsTheMajorityKeepsIt) {
  GaveUpAFiringEarlier run;
  SidePrediction& main = run.predicted.at(Role::Server);
  SideMeasurement& s = run.m.sides[Role::Server];
  s.app.back().t_ns = at_ms(*main.detected_after_ms + 2);
  s.states.back().t_ns = at_ms(*main.detected_after_ms + 2);
  run.m.kernel_events.push_back(retransmit(s.key, main.schedule.back().at_ms + 1));
  const Predictions taken = with_the_phase_taken(run.spec, run.m, run.predicted);
  EXPECT_NE(taken.at(Role::Server).reason, "the other phases");
  for (const Failure& f : judge(run.spec, run.m, taken).failures) ADD_FAILURE() << f.text();
}
