// The judge marks a failure `late` when what was expected came after its window or had
// not come when the watch ended, and only then: late timers can explain those
// (runner/judge/distortion.hpp), never an early or a different end. Pure.
#include <gtest/gtest.h>

#include "fixtures/measurements.hpp"
#include "runner/judge/judge.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

namespace {
// The one failure of the server's side, after `see` filled in what it saw.
template <class See>
Failure only_failure(const std::string& expect, See&& see) {
  const CaseSpec spec = host_crash_send_case(expect);
  Measurement m = measurement_of(spec);
  SideMeasurement& s = m.sides[Role::Server];
  add_state(s, -50, "ESTABLISHED");
  s.app.push_back({Outcome{Outcome::Kind::Sent, 0}, at_ms(5), 1000, ""});
  see(s);
  const Judgement j = judge(spec, m, predict(spec, m));
  EXPECT_EQ(j.failures.size(), 1u);
  return j.failures.empty() ? Failure{} : j.failures.front();
}

void etimedout_at(SideMeasurement& s, double ms) { s.app.push_back({*Outcome::parse("ETIMEDOUT"), at_ms(ms), 0, "poll"}); }
}  // namespace

TEST(LateFailure, ADetectionAfterItsWindowOrNoneIsLateOneBeforeIsNot) {
  const std::string expect = R"({"detected_after_ms": [1000, 2000]})";
  EXPECT_TRUE(only_failure(expect, [](SideMeasurement& s) { etimedout_at(s, 2500); }).late);
  EXPECT_TRUE(only_failure(expect, [](SideMeasurement&) {}).late);
  EXPECT_FALSE(only_failure(expect, [](SideMeasurement& s) { etimedout_at(s, 500); }).late);
}

TEST(LateFailure, OutcomesStoppingShortAreLateADifferentOneIsNot) {
  const std::string expect = R"({"app": ["SENT", "ETIMEDOUT"]})";
  const Failure short_of_it = only_failure(expect, [](SideMeasurement&) {});
  EXPECT_EQ(short_of_it.field, "app");
  EXPECT_TRUE(short_of_it.late);
  EXPECT_FALSE(only_failure(expect, [](SideMeasurement& s) {
                 s.app.push_back({*Outcome::parse("ECONNRESET"), at_ms(300), 0, "poll"});
               }).late);
}

TEST(LateFailure, StatesStoppingShortAreLateAnotherEndIsNot) {
  const std::string expect = R"({"states": ["ESTABLISHED", "CLOSE"]})";
  EXPECT_TRUE(only_failure(expect, [](SideMeasurement&) {}).late);
  EXPECT_FALSE(only_failure(expect, [](SideMeasurement& s) { add_state(s, 300, "CLOSE_WAIT"); }).late);
}

TEST(LateFailure, AliveWhereGoneWasExpectedIsLateTheOtherWayIsNot) {
  EXPECT_TRUE(only_failure(R"({"state_at_end": "gone"})", [](SideMeasurement& s) {
                s.state_at_end = tcp_state_from_name("ESTABLISHED");
              }).late);
  EXPECT_FALSE(only_failure(R"({"state_at_end": "ESTABLISHED"})", [](SideMeasurement& s) { s.state_at_end.reset(); }).late);
}

TEST(LateFailure, NoErrnoYetIsLateAnotherErrnoIsNot) {
  const CaseSpec spec = host_crash_send_case(R"({"detected_after_ms": "model"})");
  Measurement m = measurement_of(spec);
  SideMeasurement& s = m.sides[Role::Server];
  add_state(s, -50, "ESTABLISHED");
  s.app.push_back({Outcome{Outcome::Kind::Sent, 0}, at_ms(5), 1000, ""});
  const Predictions p = predict(spec, m);
  m.observer.exact = false;  // firings are another test's business
  for (const Failure& f : judge(spec, m, p).failures) EXPECT_TRUE(f.late) << f.text();
  s.app.push_back({*Outcome::parse("ECONNRESET"), at_ms(*p.at(Role::Server).detected_after_ms + 2), 0, "poll"});
  const Judgement j = judge(spec, m, p);
  ASSERT_EQ(j.failures.size(), 1u);
  EXPECT_EQ(j.failures[0].field, "error");
  EXPECT_FALSE(j.failures[0].late);
}
