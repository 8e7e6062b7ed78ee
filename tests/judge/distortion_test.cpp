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
  m.steps.push_back({"fault", at_ms(0), at_ms(0), at_ms(3)});
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
  EXPECT_NE(d[0].find("server send"), std::string::npos) << d[0];
  EXPECT_NE(d[0].find("123000.0 ms late"), std::string::npos) << d[0];
  EXPECT_NE(d[0].find("due at 10.0 ms"), std::string::npos) << d[0];
}

TEST(Distortion, AStepDueWhileTheOneBeforeRanIsLateFromItsEnd) {
  Measurement m = with_send_late(0);
  m.steps[1].done_ns = at_ms(40);  // the injection took 40 ms, within its own limit
  m.steps[2].started_ns = at_ms(40.5);
  EXPECT_TRUE(distortions(m, kLimits).empty());
  m.steps[2].started_ns = at_ms(70);
  const auto d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].find("started 30.0 ms late"), std::string::npos) << d[0];
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
  EXPECT_NE(d[0].find("the fault took 400.0 ms"), std::string::npos) << d[0];
}

TEST(Distortion, WakeupsLaterThanATickAreNamedOnlyThen) {
  Measurement m = with_send_late(0);
  m.wakeup_late_max_ns = 3'900'000;
  EXPECT_TRUE(distortions(m, kLimits).empty());
  m.wakeup_late_max_ns = 6'500'000;
  const auto d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].find("6.5 ms late"), std::string::npos) << d[0];
}

TEST(Distortion, LostObservationsAreNamed) {
  Measurement m = with_send_late(0);
  m.observer = ObserverInfo{"tracepoints", "", "", true, 17};
  m.sides[Role::Client].neighbour_events_lost = true;
  const auto d = distortions(m, kLimits);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NE(d[0].find("lost 17 kernel events"), std::string::npos) << d[0];
  EXPECT_NE(d[1].find("client's neighbour monitor"), std::string::npos) << d[1];
}

// The verdict: a failure beside a distortion is "distorted"; a pass stays a pass.
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

TEST(DistortedVerdict, ItsWordReadsBack) {
  for (Verdict v : kVerdicts) EXPECT_EQ(verdict_named(verdict_name(v)), v);
  EXPECT_EQ(verdict_named("passed"), std::nullopt);
}
