// A rebooted host's later steps: its announcements (a count, an interval) and its
// switch port starting to forward; where they fall among the case's actions; which
// of them the model takes as the peer's return; and the input they refuse.
#include <gtest/gtest.h>

#include "runner/case/case_parse.hpp"
#include "runner/predict/planned.hpp"
#include "runner/run/actions.hpp"

using namespace crashlab;
using namespace crashlab::runner;

namespace {
CaseSpec reboot(const std::string& fault_fields, const std::string& after_fault = "[]", int window_ms = 9000) {
  return parse_case(nlohmann::json::parse(R"({"description": "d",
    "fault": {"type": "host-reboot", "target": "client", "reboot_after_ms": 500, "new_mac": true)" + fault_fields + R"(},
    "after_fault": )" + after_fault + R"(, "window_ms": )" + std::to_string(window_ms) + R"(,
    "expect": {"server": {"app": ["SENT", "ECONNRESET"]}}})"),
                    "cases/t/t.json", "t/t");
}

std::vector<std::string> what(const Fault& f) {
  std::vector<std::string> out;
  for (const auto& s : f.later_steps()) out.push_back(s.what + "@" + std::to_string(s.after_recovery_ms));
  return out;
}

std::string parse_error(const std::string& fault_fields, int window_ms = 9000) {
  try {
    reboot(fault_fields, "[]", window_ms);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kSlowPort = R"(, "port_forwards_after_ms": 1500, "gratuitous_arp": {"count": 3, "interval_ms": 1000})";
}  // namespace

TEST(RebootLaterSteps, AnnouncementsAndThePortInTimeOrder) {
  const CaseSpec c = reboot(kSlowPort);
  EXPECT_EQ(what(*c.fault), (std::vector<std::string>{"announcement 1 of 3@0", "announcement 2 of 3@1000",
                                                      "the switch port forwards@1500", "announcement 3 of 3@2000"}));
  EXPECT_EQ(c.fault->peer_there_at_later_step(), 3u);  // the first announcement the open port lets through
  EXPECT_EQ(c.fault->peer_after(TopologyKind::Switch).recovery, PeerAfterFault::Recovery::AnswersRst);
  EXPECT_EQ(c.fault->params()["gratuitous_arp"], (nlohmann::json{{"count", 3}, {"interval_ms", 1000}}));
}

TEST(RebootLaterSteps, AnAnnouncementDueAsThePortOpensGetsThrough) {
  const CaseSpec c = reboot(R"(, "port_forwards_after_ms": 1000, "gratuitous_arp": {"count": 2, "interval_ms": 1000})");
  EXPECT_EQ(what(*c.fault), (std::vector<std::string>{"announcement 1 of 2@0", "the switch port forwards@1000",
                                                      "announcement 2 of 2@1000"}));
  EXPECT_EQ(c.fault->peer_there_at_later_step(), 2u);
}

TEST(RebootLaterSteps, EveryAnnouncementLostLeavesTheNewMacUnheardUntilThePortOpens) {
  const CaseSpec c = reboot(R"(, "port_forwards_after_ms": 1500, "gratuitous_arp": true)");
  EXPECT_EQ(what(*c.fault), (std::vector<std::string>{"announcement 1 of 1@0", "the switch port forwards@1500"}));
  EXPECT_EQ(c.fault->peer_after(TopologyKind::Switch).recovery, PeerAfterFault::Recovery::None);
  EXPECT_EQ(c.fault->peer_there_at_later_step(), 1u);  // a broadcast ARP can find it from then
}

TEST(RebootLaterSteps, TheOldMacMeetsThePeerOnceThePortForwards) {
  const CaseSpec c = parse_case(nlohmann::json::parse(R"({"description": "d",
    "fault": {"type": "host-reboot", "target": "client", "reboot_after_ms": 500, "port_forwards_after_ms": 700},
    "window_ms": 9000, "expect": {"server": {"app": []}}})"),
                                "cases/t/t.json", "t/t");
  EXPECT_EQ(c.fault->peer_there_at_later_step(), 0u);
  EXPECT_EQ(c.fault->peer_after(TopologyKind::Switch).recovery, PeerAfterFault::Recovery::AnswersRst);
}

TEST(RebootLaterSteps, OneAnnouncementOnAnOpenPortIsTheRecoveryItsStepAtOnce) {
  const CaseSpec c = reboot(R"(, "gratuitous_arp": true)");
  EXPECT_EQ(what(*c.fault), (std::vector<std::string>{"announcement 1 of 1@0"}));
  EXPECT_EQ(c.fault->peer_there_at_later_step(), 0u);
  EXPECT_FALSE(reboot("").fault->peer_there_at_later_step());
  EXPECT_TRUE(reboot("").fault->later_steps().empty());
}

TEST(RebootLaterSteps, ThePlanTakesThePeerBackAtTheStepThatReachesIt) {
  const std::string send = R"([{"role": "server", "do": "send", "bytes": 1000}])";
  const auto heard = planned_input(reboot(kSlowPort, send), Role::Server);
  ASSERT_TRUE(heard && heard->recovery_ms);
  EXPECT_DOUBLE_EQ(*heard->recovery_ms, 500 + 2000);
  EXPECT_TRUE(heard->recovery_answers_rst);

  const auto lost = planned_input(reboot(R"(, "port_forwards_after_ms": 1500, "gratuitous_arp": true)", send), Role::Server);
  ASSERT_TRUE(lost);
  EXPECT_FALSE(lost->recovery_ms);
  EXPECT_EQ(lost->peer_back_unannounced_ms, 500 + 1500);
}

// Actions keep the case's order: the `rebooted` send (due at 500 ms) comes after the
// send at 1800 ms because the case lists it there. An action waiting for a detection
// comes after every later step.
TEST(RebootLaterSteps, StepsFallAmongTheActionsByTheirTimes) {
  const CaseSpec c = reboot(kSlowPort, R"([{"role": "server", "do": "send", "bytes": 10},
      {"role": "server", "do": "send", "bytes": 10, "delay_ms": 1800},
      {"role": "server", "do": "send", "bytes": 10, "when": "rebooted", "delay_ms": 0},
      {"role": "server", "do": "close", "when": "detected"}])");
  std::vector<std::string> order;
  for (const Step& s : after_fault_steps(c))
    order.push_back(s.action ? "send/close " + std::to_string(s.action->delay_ms)
                             : s.later ? c.fault->later_steps().at(*s.later).what : "recovery");
  EXPECT_EQ(order, (std::vector<std::string>{"send/close 0", "recovery", "announcement 1 of 3", "announcement 2 of 3",
                                             "send/close 1800", "send/close 0", "the switch port forwards",
                                             "announcement 3 of 3", "send/close 0"}));
}

TEST(RebootLaterSteps, RefusesWhatCannotBeAnnounced) {
  EXPECT_NE(parse_error(R"(, "gratuitous_arp": "yes")").find("fault.gratuitous_arp: must be true, false or"),
            std::string::npos);
  EXPECT_NE(parse_error(R"(, "gratuitous_arp": {"count": 0})").find("fault.gratuitous_arp.count"), std::string::npos);
  EXPECT_NE(parse_error(R"(, "gratuitous_arp": {"count": 2, "every": 5})").find("fault.gratuitous_arp.every"),
            std::string::npos);
  EXPECT_NE(parse_error(R"(, "gratuitous_arp": {"count": 256})").find("fault.gratuitous_arp.count"), std::string::npos);
  EXPECT_NE(parse_error(R"(, "gratuitous_arp": {"count": 3, "interval_ms": 0})").find("fault.gratuitous_arp.interval_ms"),
            std::string::npos);
  EXPECT_NE(parse_error(R"(, "port_forwards_after_ms": -1)").find("fault.port_forwards_after_ms"), std::string::npos);
  const std::string late = parse_error(kSlowPort, 2499);
  EXPECT_NE(late.find("fault.gratuitous_arp: with the recovery, its step 'announcement 3 of 3' at 2500 ms is beyond the "
                      "case's window"),
            std::string::npos)
      << late;
  EXPECT_EQ(parse_error(kSlowPort, 2500), "");  // the last step at the window's end is still inside
  const std::string port = parse_error(R"(, "port_forwards_after_ms": 3000)", 3000);
  EXPECT_NE(port.find("fault.port_forwards_after_ms: with the recovery, its step 'the switch port forwards' at 3500 ms"),
            std::string::npos)
      << port;
}
