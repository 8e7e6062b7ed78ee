// --verify's case specs, built from the shipped cases: the proposal applied as
// --set assignments to the surviving side, the promise as the expectations.
#include <gtest/gtest.h>

#include <algorithm>

#include "runner/advise/verify.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::advise;

namespace {
const std::string kCases = std::string(CRASHLAB_SOURCE_DIR) + "/cases";

Request request(Scope scope) {
  Request r;
  r.detect_within_ms = 10000;
  r.survive_outage_ms = 2000;
  r.scope = scope;
  return r;
}

bool has_option(const CaseSpec& spec, const std::string& name, int64_t value) {
  const auto& opts = spec.socket_options(Role::Server);
  return std::any_of(opts.begin(), opts.end(), [&](const auto& o) { return o.name == name && o.value == value; });
}
}  // namespace

TEST(AdviseVerify, FourRunsCarryTheProposalAndThePromise) {
  const Request r = request(Scope::Socket);
  const SearchResult s = search(r);
  ASSERT_TRUE(s.proposal);
  const Settings& set = s.proposal->settings;
  const auto runs = verify_runs(*s.proposal, r, kCases);
  ASSERT_EQ(runs.size(), 4u);
  for (VerifyRun v : runs) {
    SCOPED_TRACE(v.what);
    EXPECT_TRUE(has_option(v.spec, "SO_KEEPALIVE", 1));
    EXPECT_TRUE(has_option(v.spec, "TCP_KEEPIDLE", set.keepidle_s));
    EXPECT_TRUE(has_option(v.spec, "TCP_USER_TIMEOUT", *set.user_timeout_ms));
    EXPECT_FALSE(v.spec.sysctls.count(Role::Server));  // the shipped tcp_retries2=3 is gone
    // Watched until past the worst-case give-up (counted from the fault, which the idle outage delays).
    EXPECT_GT(double(v.spec.fault.after_ms + v.spec.window_ms), *s.proposal->eval.idle.detection.worst_ms);
    EXPECT_GT(double(v.spec.fault.after_ms + v.spec.window_ms), *s.proposal->eval.busy.detection.worst_ms);
  }
  EXPECT_EQ(runs[0].promise, Promise::DetectsCrash);
  const auto window = runs[0].spec.expect.at(Role::Server).detected_after_ms;
  ASSERT_TRUE(window);
  EXPECT_EQ(window->first, 0);
  EXPECT_EQ(window->second, 10000);
  EXPECT_TRUE(runs[0].spec.after_fault.empty());
  EXPECT_FALSE(runs[1].spec.after_fault.empty());  // busy: sends after the crash
  EXPECT_EQ(*runs[0].predicted_hi_ms, *s.proposal->eval.idle.detection.worst_ms);
  for (int i : {2, 3}) {
    EXPECT_EQ(runs[i].promise, Promise::SurvivesOutage);
    EXPECT_EQ(runs[i].spec.fault->recovery_after_ms(), 2000);
    EXPECT_EQ(runs[i].spec.expect.at(Role::Server).state_at_end, runs[i].spec.expect.at(Role::Client).state_at_end);
  }
  // The idle outage starts just before the first keepalive probe is due.
  EXPECT_EQ(runs[2].spec.fault.after_ms, set.keepidle_s * 1000 - 100);
  EXPECT_TRUE(runs[2].spec.after_fault.empty());
}

TEST(AdviseVerify, SysctlScopeSetsTheServersNamespace) {
  const Request r = request(Scope::Sysctl);
  const SearchResult s = search(r);
  ASSERT_TRUE(s.proposal);
  const auto runs = verify_runs(*s.proposal, r, kCases);
  ASSERT_FALSE(runs.empty());
  const auto& sysctls = runs[0].spec.sysctls.at(Role::Server);
  EXPECT_EQ(sysctls.at("net.ipv4.tcp_keepalive_time"), std::to_string(s.proposal->settings.keepidle_s));
  EXPECT_EQ(sysctls.at("net.ipv4.tcp_retries2"), std::to_string(s.proposal->settings.tcp_retries2));
  EXPECT_TRUE(has_option(runs[0].spec, "SO_KEEPALIVE", 1));
}

TEST(AdviseVerify, NoOutageRunsWithoutAnOutageToSurvive) {
  Request r = request(Scope::Socket);
  r.survive_outage_ms = 0;
  r.traffic = Traffic::Busy;
  const SearchResult s = search(r);
  ASSERT_TRUE(s.proposal);
  const auto runs = verify_runs(*s.proposal, r, kCases);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].what, "host crash, busy connection");
}

TEST(AdviseVerify, AMissingCaseFolderNamesTheFile) {
  const Request r = request(Scope::Socket);
  const SearchResult s = search(r);
  ASSERT_TRUE(s.proposal);
  try {
    verify_runs(*s.proposal, r, "/nonexistent-cases");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-cases/host-crash/idle-keepalive.json"), std::string::npos) << e.what();
  }
}

TEST(AdviseVerify, TheWorkedExamplesBuildCasesTheParserAccepts) {
  for (Scope scope : {Scope::Socket, Scope::Sysctl})
    for (auto [deadline, outage] : {std::pair{10000, 2000}, std::pair{30000, 5000}, std::pair{120000, 30000}}) {
      Request r = request(scope);
      r.detect_within_ms = deadline;
      r.survive_outage_ms = outage;
      const SearchResult s = search(r);
      ASSERT_TRUE(s.proposal);
      std::vector<VerifyRun> runs;
      ASSERT_NO_THROW(runs = verify_runs(*s.proposal, r, kCases)) << deadline << " " << scope_name(scope);
      EXPECT_EQ(runs.size(), 4u);
    }
}
