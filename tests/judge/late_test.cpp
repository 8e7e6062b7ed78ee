// The judge marks a failure `late` when what was expected came after its window, or had
// not come when the watch ended, by no more than the runner's measured timer lateness
// over the timers on the way can make it; only then can late timers explain it
// (runner/judge/distortion.hpp). An early end, a different end, or one far later than
// the lateness, is never late. Pure.
#include <gtest/gtest.h>

#include "fixtures/measurements.hpp"
#include "runner/judge/judge.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

namespace {
constexpr int64_t kTimersLateNs = 9'000'000;  // the runner's probe saw timers 9 ms late

struct Judged {
  CaseSpec spec;
  Measurement m;
  explicit Judged(const std::string& expect) : spec(host_crash_send_case(expect)), m(measurement_of(spec)) {
    m.wakeup_late_max_ns = kTimersLateNs;
    SideMeasurement& s = m.sides[Role::Server];
    add_state(s, -50, "ESTABLISHED");
    s.app.push_back({Outcome{Outcome::Kind::Sent, 0}, at_ms(5), 1000, ""});
  }
  SideMeasurement& server() { return m.sides[Role::Server]; }
  void gives_up_at(double ms, const char* errno_name = "ETIMEDOUT") {
    server().app.push_back({*Outcome::parse(errno_name), at_ms(ms), 0, "poll"});
    add_state(server(), ms, "CLOSE");
  }
  std::vector<Failure> failures() const { return judge(spec, m, predict(spec, m)).failures; }
  Failure only(const std::string& field) const {
    for (const Failure& f : failures())
      if (f.field == field) return f;
    ADD_FAILURE() << "no failure of " << field;
    return {};
  }
};

// A window ending 10 ms before the 9000 ms watch does: a side that never ended is late
// by at least 10 ms, which timers 9 ms late over the send's several firings can make it.
const std::string kWindowNearTheEnd = R"("detected_after_ms": [1000, 8990])";
}  // namespace

TEST(LateFailure, ADetectionJustAfterItsWindowIsLateFarAfterOrBeforeIsNot) {
  Judged just("{" + std::string(R"("detected_after_ms": [1000, 2000])") + "}");
  just.gives_up_at(2005);
  EXPECT_TRUE(just.only("detected_after_ms").late);
  Judged far("{" + std::string(R"("detected_after_ms": [1000, 2000])") + "}");
  far.gives_up_at(2500);  // 500 ms: no few ms of lateness per timer makes that
  EXPECT_FALSE(far.only("detected_after_ms").late);
  Judged early("{" + std::string(R"("detected_after_ms": [1000, 2000])") + "}");
  early.gives_up_at(500);
  EXPECT_FALSE(early.only("detected_after_ms").late);
}

TEST(LateFailure, NoEndAtAllIsLateOnlyWhenTheWatchEndedJustAfterTheWindow) {
  Judged near("{" + kWindowNearTheEnd + "}");
  EXPECT_TRUE(near.only("detected_after_ms").late);
  Judged long_watch("{" + std::string(R"("detected_after_ms": [1000, 2000])") + "}");  // 7 s more watched
  EXPECT_FALSE(long_watch.only("detected_after_ms").late);
}

TEST(LateFailure, OutcomesAndStatesStoppingShortAreLateADifferentEndIsNot) {
  Judged short_of_it("{" + kWindowNearTheEnd + R"(, "app": ["SENT", "ETIMEDOUT"], "states": ["ESTABLISHED", "CLOSE"],
                  "state_at_end": "gone"})");
  short_of_it.server().state_at_end = tcp_state_from_name("ESTABLISHED");
  for (const char* field : {"app", "states", "state_at_end"}) EXPECT_TRUE(short_of_it.only(field).late) << field;

  Judged other("{" + kWindowNearTheEnd + R"(, "app": ["SENT", "ETIMEDOUT"], "states": ["ESTABLISHED", "CLOSE"],
            "state_at_end": "gone"})");
  other.server().app.push_back({*Outcome::parse("ECONNRESET"), at_ms(8995), 0, "poll"});
  add_state(other.server(), 8995, "CLOSE_WAIT");
  other.server().state_at_end = tcp_state_from_name("CLOSE_WAIT");
  for (const char* field : {"app", "states", "state_at_end"}) EXPECT_FALSE(other.only(field).late) << field;
}

TEST(LateFailure, NoErrnoYetIsLateAnotherErrnoIsNot) {
  Judged none(R"({"detected_after_ms": "model"})");
  none.m.observer.exact = false;  // firings are another test's business
  const Predictions p = predict(none.spec, none.m);
  const ModelWindow w = model_window(*p.at(Role::Server).detected_after_ms, p.at(Role::Server).late_max_ms,
                                     *none.spec.expect.at(Role::Server).detected_by_model, 4.0);
  none.spec.window_ms = int64_t(w.hi) + 5;  // the watch ended 5 ms after the window
  EXPECT_TRUE(none.only("error").late);
  EXPECT_TRUE(none.only("detected_after_ms").late);

  Judged other(R"({"detected_after_ms": "model"})");
  other.m.observer.exact = false;
  other.gives_up_at(*p.at(Role::Server).detected_after_ms + 2, "ECONNRESET");
  const std::vector<Failure> f = other.failures();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].field, "error");
  EXPECT_FALSE(f[0].late);
}

TEST(LateFailure, WithoutTimerLatenessNothingIsLate) {
  Judged on_time("{" + std::string(R"("detected_after_ms": [1000, 2000])") + "}");
  on_time.m.wakeup_late_max_ns.reset();
  on_time.gives_up_at(2005);
  EXPECT_FALSE(on_time.only("detected_after_ms").late);
}
