// The runner's own lateness and losses, against the limits that tell them from the
// kernel's doing; and the verdict they make of a failed run. Pure, no namespaces.
#include <gtest/gtest.h>

#include "fixtures/measurements.hpp"
#include "runner/judge/distortion.hpp"
#include "runner/judge/judge.hpp"
#include "runner/result/assemble.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

namespace {
const DistortionLimits kLimits = distortion_limits(250);

// The fault injected in 3 ms, then a send due 10 ms after it that started `late_ms` late.
Measurement with_send_late(double late_ms) {
  Measurement m;
  m.fault_t_ns = at_ms(0);
  m.steps.push_back({"client send", at_ms(-30), at_ms(-30), at_ms(-29)});  // before the fault: not judged
  m.steps.push_back({"fault", at_ms(0), at_ms(0), at_ms(3), StepKind::Fault});
  m.steps.push_back({"server send", at_ms(10), at_ms(10 + late_ms), at_ms(11 + late_ms)});
  m.wakeup_late_max_ns = 200'000;
  return m;
}
}  // namespace

TEST(DistortionLimits, FollowTheTick) {
  EXPECT_DOUBLE_EQ(kLimits.wakeup_late_ms, 4.0);
  EXPECT_DOUBLE_EQ(distortion_limits(100).wakeup_late_ms, 10.0);
  EXPECT_DOUBLE_EQ(distortion_limits(std::nullopt).wakeup_late_ms, 10.0);  // unknown: the coarsest tick
  EXPECT_GT(distortion_limits(100).step_late_ms, kLimits.step_late_ms - 1e-9);
}

TEST(Distortion, AStepOnTimeIsNone) { EXPECT_TRUE(distortions(with_send_late(1), kLimits).empty()); }

TEST(Distortion, AStepAfterTheFaultStartedLateIsNamedWithItsLateness) {
  const auto d = distortions(with_send_late(123000), kLimits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].text.find("server send"), std::string::npos) << d[0].text;
  EXPECT_NE(d[0].text.find("123000.0 ms late"), std::string::npos) << d[0].text;
  EXPECT_NE(d[0].text.find("due at 10.0 ms"), std::string::npos) << d[0].text;
}

// process-crash/idle with 510 cases at once: the end state was looked at minutes after
// the 1 s window, when the client's TIME_WAIT (60 s) was long gone.
TEST(Distortion, AnEndStateLookAfterTheWindowIsALateStep) {
  Measurement m = with_send_late(1);
  m.steps.push_back({"end-state look", at_ms(1000), at_ms(235000), at_ms(235001)});
  const auto d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DistortionKind::LateStep);
  EXPECT_NE(d[0].text.find("end-state look due at 1000.0 ms started 234000.0 ms late"), std::string::npos) << d[0].text;
  m.steps.back() = {"end-state look", at_ms(500), at_ms(500), at_ms(501)};  // settled early: due when it looked
  EXPECT_TRUE(distortions(m, kLimits).empty());
}

TEST(Distortion, AStepDueWhileTheOneBeforeRanIsLateFromItsEnd) {
  Measurement m = with_send_late(0);
  m.steps[1].done_ns = at_ms(40);  // the injection took 40 ms, within its own limit
  m.steps[2].started_ns = at_ms(40.5);
  EXPECT_TRUE(distortions(m, kLimits).empty());
  m.steps[2].started_ns = at_ms(70);
  const auto d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].text.find("started 30.0 ms late"), std::string::npos) << d[0].text;
}

// An action that waited for a detection at 200 ms, placed behind a later step of the
// recovery due at 2000 ms: it is late from its own time, not from that step's end.
TEST(Distortion, AnActionHeldBackBehindARecoveryStepIsLateFromItsOwnTime) {
  Measurement m = with_send_late(0);
  m.steps.push_back({"announcement 2 of 2", at_ms(2000), at_ms(2000), at_ms(2001), StepKind::RecoveryStep});
  m.steps.push_back({"server close", at_ms(200), at_ms(2001), at_ms(2002)});
  auto d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].text.find("the server close due at 200.0 ms started 1801.0 ms late"), std::string::npos) << d[0].text;
  m.steps.back() = {"server close", at_ms(2000), at_ms(2001), at_ms(2002)};  // due with it: late from its end, 0 ms
  EXPECT_TRUE(distortions(m, kLimits).empty());
  m.steps[3].done_ns = at_ms(2400);  // the step itself took 400 ms: the fault's own step, slow
  m.steps.back() = {"server close", at_ms(2000), at_ms(2400), at_ms(2401)};
  d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].text.find("the announcement 2 of 2 took 400.0 ms"), std::string::npos) << d[0].text;
}

TEST(Distortion, AStepBeforeTheFaultIsNotJudged) {
  Measurement m = with_send_late(0);
  m.steps.front().started_ns += 5'000'000'000;
  EXPECT_TRUE(distortions(m, kLimits).empty());
}

TEST(Distortion, ASlowInjectionIsNamed) {
  Measurement m = with_send_late(0);
  m.steps[1].done_ns = at_ms(400);
  const auto d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].text.find("the fault took 400.0 ms"), std::string::npos) << d[0].text;
}

// host-reboot/new-mac in the soak's 510 at once: the reboot took 3.2 s, and the server's
// retransmissions went nowhere meanwhile (ETIMEDOUT for the case's ECONNRESET).
TEST(Distortion, ASlowRecoveryIsNamedAndASendIsNot) {
  Measurement m = with_send_late(0);
  m.steps[2].done_ns = m.steps[2].started_ns + 3'000'000'000;  // a send may take its time
  EXPECT_TRUE(distortions(m, kLimits).empty());
  m.steps[2].done_ns = m.steps[2].started_ns + 500'000;
  m.steps.push_back({"recovery", at_ms(1000), at_ms(1000), at_ms(4184), StepKind::Recovery});
  const auto d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DistortionKind::SlowFault);
  EXPECT_NE(d[0].text.find("the recovery took 3184.0 ms (limit"), std::string::npos) << d[0].text;
}

TEST(Distortion, WakeupsLaterThanATickAreNamedOnlyThen) {
  Measurement m = with_send_late(0);
  m.wakeup_late_max_ns = 3'900'000;
  EXPECT_TRUE(distortions(m, kLimits).empty());
  m.wakeup_late_max_ns = 6'500'000;
  const auto d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].text.find("6.5 ms late"), std::string::npos) << d[0].text;
}

TEST(Distortion, LostObservationsAreNamed) {
  Measurement m = with_send_late(0);
  m.observer = ObserverInfo{"tracepoints", "", "", true, 17};
  m.sides[Role::Client].neighbour_events_lost = true;
  const auto d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NE(d[0].text.find("lost 17 kernel events"), std::string::npos) << d[0].text;
  EXPECT_NE(d[1].text.find("client's neighbour monitor"), std::string::npos) << d[1].text;
}

TEST(Distortion, EachIsOfItsKind) {
  Measurement m = with_send_late(123000);
  m.steps[1].done_ns = at_ms(400);
  m.wakeup_late_max_ns = 6'500'000;
  m.observer = ObserverInfo{"tracepoints", "", "", true, 17};
  m.sides[Role::Client].neighbour_events_lost = true;
  std::vector<DistortionKind> kinds;
  for (const Distortion& d : distortions(m, kLimits)) kinds.push_back(d.kind);
  EXPECT_EQ(kinds, (std::vector<DistortionKind>{DistortionKind::SlowFault, DistortionKind::LateStep,
                                                DistortionKind::LateTimers, DistortionKind::LostKernelEvents,
                                                DistortionKind::LostNeighbourEvents}));
}

// Which failures each distortion can have caused.
namespace {
Failure failure(const char* field, bool late = false) { return {Role::Server, field, "e", "s", late}; }
}  // namespace

TEST(CanExplain, ALateStepOrASlowFaultExplainsAnyJudgedFact) {
  for (DistortionKind k : {DistortionKind::LateStep, DistortionKind::SlowFault}) {
    for (const char* field : {"detected_after_ms", "error", "app", "states", "state_at_end", "sends_nothing", "retransmissions[2]"})
      EXPECT_TRUE(can_explain(k, failure(field))) << field;
    EXPECT_FALSE(can_explain(k, failure("prediction"))) << "the plan did not model it either";
    Failure moved = failure("prediction");
    moved.modelled_as_planned = true;
    EXPECT_TRUE(can_explain(k, moved)) << "the run's own moments took it out of the model's reach";
    EXPECT_FALSE(can_explain(DistortionKind::LateTimers, moved));
  }
}

TEST(MarkPlanned, OnlyAPredictionFailureOfASideThePlanModelledIsMarked) {
  Predictions planned;
  planned[Role::Server].detected_after_ms = 6700;
  planned[Role::Client].not_modelled = "no rule";
  std::vector<Failure> failures = {failure("prediction"), failure("error"),
                                   {Role::Client, "prediction", "e", "s", false}};
  mark_planned(failures, planned);
  EXPECT_TRUE(failures[0].modelled_as_planned);
  EXPECT_FALSE(failures[1].modelled_as_planned) << "not a prediction failure";
  EXPECT_FALSE(failures[2].modelled_as_planned) << "the plan did not model the client";
}

TEST(OverloadedSetup, AWaitThatRanOutIsTheLoadsDoingOnlyWhenTimersRanLate) {
  EXPECT_FALSE(overloaded_setup(std::nullopt, kLimits)) << "nothing sampled: an error";
  EXPECT_FALSE(overloaded_setup(3'900'000, kLimits)) << "within a tick: the machine kept up";
  const auto d = overloaded_setup(158'600'000, kLimits);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, DistortionKind::LateTimers);
  EXPECT_NE(d->text.find("158.6 ms"), std::string::npos) << d->text;
  EXPECT_NE(d->text.find("limit 4.0 ms"), std::string::npos) << d->text;
}

TEST(CanExplain, LateTimersExplainOnlyWhatCameLate) {
  for (const char* field : {"detected_after_ms", "error", "app", "states", "state_at_end", "retransmissions[0]"}) {
    EXPECT_TRUE(can_explain(DistortionKind::LateTimers, failure(field, true))) << field;
    EXPECT_FALSE(can_explain(DistortionKind::LateTimers, failure(field, false))) << field;
  }
}

// What does not come from the kernel events: the endpoint's errno, outcomes and
// detection time, the end state (a sock_diag look), the interface's segment count.
TEST(CanExplain, LostKernelEventsExplainStatesAndFiringsOnly) {
  for (const char* field : {"states", "retransmissions", "retransmissions[1]"})
    EXPECT_TRUE(can_explain(DistortionKind::LostKernelEvents, failure(field))) << field;
  for (const char* field : {"error", "app", "sends_nothing", "state_at_end", "detected_after_ms"})
    EXPECT_FALSE(can_explain(DistortionKind::LostKernelEvents, failure(field))) << field;
}

TEST(CanExplain, ALostNeighbourEventExplainsNothingJudged) {
  for (const char* field : {"detected_after_ms", "error", "app", "states"})
    EXPECT_FALSE(can_explain(DistortionKind::LostNeighbourEvents, failure(field, true))) << field;
}

TEST(CanExplain, AnUnknownFieldIsNeverExplained) {
  EXPECT_FALSE(can_explain(DistortionKind::LateTimers, failure("something_new")));
  EXPECT_FALSE(can_explain(DistortionKind::LostKernelEvents, failure("something_new")));
}

// The verdict: a failure beside a distortion that can cause it is "distorted"; a pass stays a pass.
TEST(DistortedVerdict, OnlyAFailedRunWithADistortionIsDistorted) {
  const CaseSpec spec = host_crash_send_case(R"({"app": ["SENT", "ETIMEDOUT"]})");
  Measurement m = measurement_of(spec);
  m.steps = with_send_late(5000).steps;
  Judgement failed;
  failed.failures.push_back({Role::Server, "app", "SENT > ETIMEDOUT", "SENT"});
  CaseResult r = result_for(spec);
  assemble_result(spec, m, {}, failed, r);
  EXPECT_EQ(r.verdict, Verdict::Distorted);
  EXPECT_EQ(r.failures.size(), 1u);  // kept, for the reader
  EXPECT_EQ(r.distortions.size(), 1u);

  CaseResult passed = result_for(spec);
  assemble_result(spec, m, {}, Judgement{}, passed);
  EXPECT_EQ(passed.verdict, Verdict::Pass);
  EXPECT_EQ(passed.distortions.size(), 1u);  // still recorded

  m.steps = with_send_late(0).steps;
  CaseResult undistorted = result_for(spec);
  assemble_result(spec, m, {}, failed, undistorted);
  EXPECT_EQ(undistorted.verdict, Verdict::Fail);
}

// The audit's case: on a loaded machine the server saw ECONNRESET where the model said
// ETIMEDOUT. Timers running late cannot turn one end into another: that is a failure.
TEST(DistortedVerdict, AWrongErrnoBesideLateTimersIsAFailure) {
  const CaseSpec spec = host_crash_send_case(R"({"app": ["SENT", "ETIMEDOUT"]})");
  Measurement m = measurement_of(spec);
  m.steps = with_send_late(0).steps;
  m.wakeup_late_max_ns = 9'000'000;
  Judgement j;
  j.failures.push_back({Role::Server, "error", "model ETIMEDOUT", "ECONNRESET", false});
  j.failures.push_back({Role::Server, "detected_after_ms", "model 6000.0 ms in [..]", "9100.0 ms", true});
  CaseResult r = result_for(spec);
  assemble_result(spec, m, {}, j, r);
  EXPECT_EQ(r.verdict, Verdict::Fail);
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_FALSE(r.failures[0].explained);
  EXPECT_TRUE(r.failures[1].explained);  // the late detection alone would have been
  EXPECT_EQ(r.distortions.size(), 1u);

  j.failures.erase(j.failures.begin());
  CaseResult late_only = result_for(spec);
  assemble_result(spec, m, {}, j, late_only);
  EXPECT_EQ(late_only.verdict, Verdict::Distorted);
}

TEST(DistortedVerdict, ItsWordReadsBack) {
  for (Verdict v : kVerdicts) EXPECT_EQ(verdict_named(verdict_name(v)), v);
  EXPECT_EQ(verdict_named("passed"), std::nullopt);
}
