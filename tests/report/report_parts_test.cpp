// The report's pure parts: label widths and rows, which segments left their host,
// and how runs are tallied and grouped. No privileges needed.
#include <gtest/gtest.h>

#include "runner/report/egress.hpp"
#include "runner/report/groups.hpp"
#include "runner/report/labels.hpp"

namespace {
using namespace crashlab::runner;
using namespace crashlab::runner::report;

TEST(LabelWidth, WiderLettersAndBoldMeasureWider) {
  EXPECT_GT(text_width("WWWW", 12), text_width("iiii", 12));
  EXPECT_GT(text_width("RTO 3", 12, true), text_width("RTO 3", 12));
  EXPECT_DOUBLE_EQ(text_width("RTO 3", 24), 2 * text_width("RTO 3", 12));
  // DejaVu Sans' advances: "ETIMEDOUT" is 5.93 em wide there (Arial: 5.73 em).
  EXPECT_NEAR(text_width("ETIMEDOUT", 12), 5.93 * 12, 0.1);
  // A character beyond ASCII counts once, as a full em, whatever its UTF-8 length.
  EXPECT_DOUBLE_EQ(text_width("\u2713", 10), 10);
}

TEST(LabelRows, CloseLabelsAreStaggeredAndSpareOnesDropped) {
  Rows rows(2);
  auto a = place_label(rows, 100, 50, 900);
  auto b = place_label(rows, 110, 50, 900);  // would touch a: the next row
  auto c = place_label(rows, 120, 50, 900);  // no row left
  auto d = place_label(rows, 160, 50, 900);  // clear of a in the first row
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->row, 0);
  EXPECT_EQ(b->row, 1);
  EXPECT_FALSE(c);
  EXPECT_EQ(d->row, 0);
  EXPECT_GE(d->x0, a->x1 + 4);
}

TEST(LabelRows, ALabelAtTheRightEndGoesLeftOfItsMark) {
  Rows rows(1);
  auto p = place_label(rows, 890, 60, 916);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->left);
  EXPECT_LE(p->x1, 890);
  EXPECT_DOUBLE_EQ(p->x1 - p->x0, 60);
  auto q = place_label(rows, 500, 60, 916);
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->left);
  EXPECT_GT(q->x0, 500);
}

Result faulted(const char* type, std::optional<double> recovered = std::nullopt) {
  Result r;
  r.fault_type = type;
  r.fault_target = "client";
  r.recovered = recovered;
  return r;
}

TEST(Egress, ACrashedHostSendsNothingAfterTheFault) {
  Result r = faulted("host-crash");
  EXPECT_EQ(unsent_reason(r, "client", 2.5), "host down");
  EXPECT_EQ(unsent_reason(r, "client", -1), "");   // before the fault its link was up
  EXPECT_EQ(unsent_reason(r, "server", 2.5), "");  // the survivor's link stays up
}

TEST(Egress, ARebootedHostSendsAgain) {
  Result r = faulted("host-reboot", 1000);
  EXPECT_EQ(unsent_reason(r, "client", 999), "host down");
  EXPECT_EQ(unsent_reason(r, "client", 1000), "");
}

TEST(Egress, FaultsThatLeaveTheLinkUp) {
  for (const char* kind : {"process-crash", "process-exit", "freeze", "partition", "no-such-fault"})
    EXPECT_EQ(unsent_reason(faulted(kind), "client", 5), "") << kind;
  EXPECT_EQ(unsent_reason(faulted("link-drop"), "client", 5), "link down");
}

Result run(const std::string& name, Verdict v, std::vector<std::string> set = {}, std::optional<double> detected = {},
           const std::string& error = "") {
  Result r;
  r.name = name;
  r.verdict = v;
  r.set = std::move(set);
  Side server;
  server.role = "server";
  server.detected = detected;
  server.error = error;
  Side client;
  client.role = "client";
  client.alive = false;
  r.sides = {server, client};
  return r;
}

TEST(Groups, SameCaseAndSameSetAreOneGroupInOrderOfFirstRun) {
  std::vector<Result> rs = {run("a", Verdict::Pass), run("b", Verdict::Pass), run("a", Verdict::Fail),
                            run("a", Verdict::Pass, {"server.sysctl.x=1"}), run("a", Verdict::Error)};
  auto gs = group_runs(rs);
  ASSERT_EQ(gs.size(), 3u);
  EXPECT_EQ(gs[0].name, "a");
  EXPECT_EQ(gs[0].runs, (std::vector<size_t>{0, 2, 4}));
  EXPECT_EQ(gs[1].runs, (std::vector<size_t>{1}));
  EXPECT_EQ(gs[2].set, std::vector<std::string>{"server.sysctl.x=1"});
  EXPECT_EQ(gs[2].runs, (std::vector<size_t>{3}));
}

TEST(Groups, TallyCountsEachVerdict) {
  std::vector<Result> rs = {run("a", Verdict::Pass), run("a", Verdict::Fail), run("a", Verdict::Error),
                            run("a", Verdict::Pass)};
  Tally all = tally(rs);
  EXPECT_EQ(all.passed, 2u);
  EXPECT_EQ(all.failed, 1u);
  EXPECT_EQ(all.errors, 1u);
  EXPECT_EQ(all.total(), 4u);
  Tally some = tally(rs, {1, 3});
  EXPECT_EQ(some.passed, 1u);
  EXPECT_EQ(some.failed, 1u);
  EXPECT_EQ(some.errors, 0u);
}

TEST(Groups, SpreadOfDetectionOverTheSurvivingSide) {
  std::vector<Result> rs = {run("a", Verdict::Pass, {}, 300, "ETIMEDOUT"), run("a", Verdict::Pass, {}, 100, "ETIMEDOUT"),
                            run("a", Verdict::Fail), run("a", Verdict::Pass, {}, 200, "EOF")};
  auto spreads = side_spreads(rs, group_runs(rs)[0]);
  ASSERT_EQ(spreads.size(), 1u);  // the client died in every run
  const SideSpread& s = spreads[0];
  EXPECT_EQ(s.role, "server");
  EXPECT_EQ(s.runs, 4u);
  ASSERT_TRUE(s.detected);
  EXPECT_EQ(s.detected->n, 3u);
  EXPECT_DOUBLE_EQ(s.detected->min, 100);
  EXPECT_DOUBLE_EQ(s.detected->median, 200);
  EXPECT_DOUBLE_EQ(s.detected->max, 300);
  EXPECT_EQ(s.errors, (std::map<std::string, int>{{"EOF", 1}, {"ETIMEDOUT", 2}, {"none", 1}}));
}

}  // namespace
