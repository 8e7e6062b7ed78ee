// Terminal and machine output: widths at 80 columns, the summary, the order of
// blocks, KTAP, JUnit, and the results-folder check.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "runner/cli/output/junit.hpp"
#include "runner/cli/output/ktap.hpp"
#include "runner/cli/output/ordered_blocks.hpp"
#include "runner/cli/output/progress.hpp"
#include "runner/cli/run/run_folder.hpp"
#include "runner/cli/output/text_wrap.hpp"
#include "runner/table.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::cli;

namespace {
size_t widest_line(const std::string& text) {
  std::istringstream in(text);
  size_t w = 0;
  for (std::string l; std::getline(in, l);) w = std::max(w, l.size());
  return w;
}

// A case with every long part a row can have.
CaseResult long_case(const std::string& verdict) {
  CaseResult r;
  r.name = "host-crash/user-timeout-keepalive-with-a-long-name";
  r.verdict = verdict == "pass" ? Verdict::Pass : verdict == "fail" ? Verdict::Fail : Verdict::Error;
  r.fault_kind = FaultKind::HostCrash;
  r.fault_target = Role::Server;
  r.observer = "tracepoint";
  r.duration_ms = 23456.7;
  SideResult s;
  for (int st : {1, 4, 5, 6, 7, 8, 9})  // ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK
    s.states.push_back({0, st});
  for (const char* o : {"SENT", "SENT", "ETIMEDOUT", "EPIPE", "ECONNRESET"}) s.app.push_back(*Outcome::parse(o));
  s.detected_after_ms = 6712.3;
  s.expected_detection = "6000-7000 ms (model 6620.0 ms +/- 5 %)";
  SidePrediction p;
  p.reason = "not modelled: the peer's answer depends on whether its new incarnation has a listener and on "
             "which address family the neighbour cache resolves first, which the model does not know";
  s.predicted = p;
  r.sides[Role::Client] = s;
  if (verdict == "fail") r.failures.push_back({Role::Client, "detected_after_ms", "6000-7000 ms", "9123.4 ms"});
  if (verdict == "error") r.error = "unshare(CLONE_NEWNET): Operation not permitted";
  return r;
}
}  // namespace

TEST(ProgressLine, NeverWiderThanTheTerminal) {
  std::vector<RunningCase> running;
  for (int i = 0; i < 19; ++i) running.push_back({"host-crash/user-timeout-keepalive-" + std::to_string(i), 12.3, 29});
  for (size_t width : {20u, 40u, 80u, 200u}) {
    std::string line = progress_line(3, 19, running, width);
    EXPECT_LT(line.size(), width) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_EQ(line.rfind("[3/19]", 0), 0u) << line;
  }
  std::string at80 = progress_line(3, 19, running, 80);
  EXPECT_NE(at80.find("more"), std::string::npos) << at80;  // says how many it left out
  EXPECT_EQ(progress_line(0, 1, {{"a/b", 1.04, 3}}, 80), "[0/1]  a/b 1.0/3s");
}

TEST(ResultRows, FitEightyColumnsAndKeepEveryWord) {
  for (const char* verdict : {"pass", "fail", "error"}) {
    std::string block = render_case(long_case(verdict), RowStyle{80, false});
    EXPECT_LE(widest_line(block), 80u) << block;
    // The model's reason is wrapped, not cut.
    EXPECT_NE(block.find("does not know"), std::string::npos) << block;
    EXPECT_EQ(block.find("..."), std::string::npos) << block;
  }
  std::string colored = render_case(long_case("fail"), RowStyle{80, true});
  EXPECT_NE(colored.find("\033[31mFAIL\033[0m"), std::string::npos);
}

TEST(Wrap, BreaksAtWordsAndIndentsContinuations) {
  EXPECT_EQ(wrap("aaa bbb ccc ddd", 10, 2), "aaa bbb\n  ccc ddd\n");
  EXPECT_EQ(wrap("short", 80, 4), "short\n");
  std::string cut = wrap(std::string(30, 'x'), 12, 0);
  EXPECT_LE(widest_line(cut), 12u);
}

TEST(Summary, NamesEachFailureAndCountsErrorsApart) {
  CaseResult pass = long_case("pass"), fail = long_case("fail"), error = long_case("error");
  pass.name = "process-crash/idle";
  fail.name = "host-crash/send";
  error.name = "connect/dead-host";
  RunSummary s{{&pass, &fail, &error}, 3, 25.94, false, {}};
  EXPECT_EQ(render_summary(s),
            "FAILED host-crash/send: client.detected_after_ms: expected 6000-7000 ms, saw\n"
            "    9123.4 ms\n"
            "ERROR connect/dead-host: unshare(CLONE_NEWNET): Operation not permitted\n"
            "1 passed, 1 failed, 1 error in 25.9 s\n");
  RunSummary cut{{&pass}, 3, 1.0, true, {"process-crash/idle: cannot write /x/y.json"}};
  EXPECT_EQ(render_summary(cut),
            "NOT WRITTEN process-crash/idle: cannot write /x/y.json\n"
            "1 passed, 0 failed, 0 errors in 1.0 s\n"
            "interrupted: 2 of 3 cases did not finish\n");
}

TEST(OrderedBlocks, ReleasedInListOrder) {
  OrderedBlocks b(3);
  EXPECT_EQ(b.add(1, "B"), "");
  EXPECT_EQ(b.add(0, "A"), "AB");
  EXPECT_EQ(b.release_rest([](size_t i) { return "skip" + std::to_string(i); }), "skip2");
  OrderedBlocks c(3);
  EXPECT_EQ(c.add(2, "C"), "");
  EXPECT_EQ(c.release_rest(), "C");
}

TEST(Ktap, HeaderResultsAndDiagnostics) {
  EXPECT_EQ(ktap_header(2), "KTAP version 1\n1..2\n");
  CaseResult f = long_case("fail"), e = long_case("error");
  EXPECT_EQ(ktap_case(1, f, "line one\n\nline two\n"), "# line one\n#\n# line two\nnot ok 1 " + f.name + "\n");
  EXPECT_EQ(ktap_case(2, e, ""), "not ok 2 " + e.name + " # ERROR\n");
  EXPECT_EQ(ktap_skip(3, "a/b", "interrupted"), "ok 3 a/b # SKIP interrupted\n");
}

TEST(Junit, CountsAndEscapes) {
  CaseResult f = long_case("fail");
  f.failures[0].seen = "<9123.4 & more>";
  std::string xml = junit_xml({"x/pass", f.name, "x/never"}, {nullptr, &f, nullptr}, 1.5);
  EXPECT_NE(xml.find("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"2\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("&lt;9123.4 &amp; more&gt;"), std::string::npos) << xml;
}

TEST(ResultsFolder, UnusableFolderIsRefusedWithTheReason) {
  auto problem = check_results_folder("/proc/nope");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("--out /proc/nope: cannot create the folder: "), std::string::npos) << *problem;
  const std::string dir = testing::TempDir() + "/crashlab-folder-test-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(check_results_folder(dir), std::nullopt);
  EXPECT_TRUE(std::filesystem::is_empty(dir));  // the probe file is gone
  std::string first = start_run_folder(dir), second = start_run_folder(dir);
  EXPECT_NE(first, second);
  EXPECT_TRUE(std::filesystem::is_directory(first));
  EXPECT_EQ(std::filesystem::read_symlink(dir + "/latest"), std::filesystem::path(second).filename());
  std::filesystem::remove_all(dir);
}
