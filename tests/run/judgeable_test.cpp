// The pre-run refusals that follow from --set: a "model" side the model does not
// cover, and hand-written expectations written for an outcome the override changes. Pure.
#include <gtest/gtest.h>

#include "fixtures/measurements.hpp"
#include "runner/case/overrides.hpp"
#include "runner/predict/planned.hpp"
#include "runner/run/plan/judgeable.hpp"

using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

namespace {
std::optional<std::string> refusal(const CaseSpec& written, const std::string& set) {
  CaseSpec run = written;
  apply_override(run, set);
  const Predictions planned = plan(run);
  return unjudgeable(run, planned, plan(written), observation_window(run, planned));
}

// A partition healed after 7.5 s: the server gives up before it, so the client's
// send after the heal is answered with RST - as the hand-written client side says.
CaseSpec heal_after_timeout() {
  return case_from(R"({"description": "d", "sysctls": {"server": {"net.ipv4.tcp_retries2": 3}},
    "fault": {"type": "partition", "target": "client", "heal_after_ms": 7500},
    "after_fault": [{"role": "server", "do": "send", "bytes": 1000},
                    {"role": "client", "do": "send", "bytes": 100, "when": "healed", "delay_ms": 200}],
    "window_ms": 9500,
    "expect": {"server": {"app": ["SENT", "ETIMEDOUT"], "detected_after_ms": "model"},
               "client": {"app": ["SENT", "ECONNRESET"], "detected_after_ms": "model"}}})");
}
}  // namespace

TEST(Unjudgeable, AModelSideTheModelDoesNotCoverHere) {
  CaseSpec written = host_crash_send_case(R"({"detected_after_ms": "model"})");
  // The entry is REACHABLE at the fault: it can fail from 23 s on, which
  // retries2=7's retransmission at ~26.6 s meets and retries2=6's do not.
  auto why = refusal(written, "server.sysctl.net.ipv4.tcp_retries2=7");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("server.detected_after_ms is \"model\", but the model does not cover this run"), std::string::npos) << *why;
  EXPECT_FALSE(refusal(written, "server.sysctl.net.ipv4.tcp_retries2=6"));
}

// The plan knows a side that closes after the fault is an orphan, bounded by
// tcp_orphan_retries: 0 means 8, whose FIN retransmissions outlive the entry.
TEST(Unjudgeable, AnOrphanPastTheNeighbourHorizon) {
  CaseSpec written = case_from(R"({"description": "d", "sysctls": {"server": {"net.ipv4.tcp_orphan_retries": 3}},
    "fault": {"type": "host-crash", "target": "client"},
    "after_fault": [{"role": "server", "do": "close"}],
    "window_ms": 9000, "expect": {"server": {"app": [], "detected_after_ms": "model"}}})");
  const Predictions planned = plan(written);
  ASSERT_TRUE(planned.at(crashlab::Role::Server).detected_after_ms) << planned.at(crashlab::Role::Server).reason;
  EXPECT_NEAR(*planned.at(crashlab::Role::Server).detected_after_ms, 6640, 60);
  EXPECT_FALSE(refusal(written, "server.sysctl.net.ipv4.tcp_orphan_retries=4"));
  auto why = refusal(written, "server.sysctl.net.ipv4.tcp_orphan_retries=0");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("does not cover this run"), std::string::npos) << *why;
}

TEST(Unjudgeable, HandWrittenExpectationsOfAnOutcomeTheOverrideChanges) {
  CaseSpec written = heal_after_timeout();
  EXPECT_FALSE(refusal(written, "server.sysctl.net.ipv4.tcp_retries2=2"));  // gives up sooner: same story
  auto why = refusal(written, "server.sysctl.net.ipv4.tcp_retries2=5");     // gives up after the heal
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("after the fault's second step"), std::string::npos) << *why;
  EXPECT_NE(why->find("client.app"), std::string::npos) << *why;
  EXPECT_NE(why->find("do not follow --set"), std::string::npos) << *why;
}

TEST(Unjudgeable, HandWrittenExpectationsOfAnotherErrno) {
  CaseSpec written = host_crash_send_case(R"({"app": ["SENT", "ETIMEDOUT"], "detected_after_ms": "model"})");
  EXPECT_FALSE(refusal(written, "server.socket.TCP_USER_TIMEOUT=1"));  // sooner, the same ETIMEDOUT
  // The peer is back after 1 s without the connection: RST, unless the server gave up before.
  written = case_from(R"({"description": "d", "sysctls": {"server": {"net.ipv4.tcp_retries2": 3}},
    "fault": {"type": "host-reboot", "target": "client", "reboot_after_ms": 1000},
    "after_fault": [{"role": "server", "do": "send", "bytes": 1000}], "window_ms": 9000,
    "expect": {"server": {"app": ["SENT", "ECONNRESET"], "detected_after_ms": "model"}}})");
  auto why = refusal(written, "server.sysctl.net.ipv4.tcp_retries2=0");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("from ECONNRESET"), std::string::npos) << *why;
  EXPECT_NE(why->find("to ETIMEDOUT"), std::string::npos) << *why;
  EXPECT_NE(why->find("server.app"), std::string::npos) << *why;
}
