// Expectations no run can meet are refused when the case is read, naming the field;
// "gone" is a state at the end; a partition may drop one direction.
#include <gtest/gtest.h>

#include "fixtures/case_error.hpp"
#include "runner/case/case_parse.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using nlohmann::json;

namespace {
json host_crash() { return testing_values::host_crash_send_json(); }

json dead_host_connect() {
  return json::parse(R"({
    "description": "d",
    "connect": "after_fault",
    "fault": {"type": "host-crash", "target": "server"},
    "window_ms": 5000,
    "expect": {"client": {"app": ["EHOSTUNREACH"]}}
  })");
}

std::string error_of(const json& j) { return testing_values::case_error_of(j, "c.json", "c"); }
}  // namespace

TEST(ExpectRules, AKilledSideSeesAndDetectsNothing) {
  json j = host_crash();
  j["expect"]["client"]["app"] = {"EOF"};
  EXPECT_EQ(error_of(j), "c.json: expect.client.app: the client's process is gone after the host-crash fault: it sees "
                         "nothing (expect [])");
  j["expect"]["client"] = {{"app", json::array()}, {"detected_after_ms", {0, 100}}};
  EXPECT_EQ(error_of(j), "c.json: expect.client.detected_after_ms: the client's process is gone after the host-crash "
                         "fault: it detects nothing");
  j["expect"]["client"] = {{"app", json::array()}};
  EXPECT_EQ(error_of(j), "");
}

TEST(ExpectRules, ACrashedHostsSocketsAreGone) {
  json j = host_crash();
  j["expect"]["client"]["state_at_end"] = "ESTABLISHED";
  EXPECT_EQ(error_of(j), "c.json: expect.client.state_at_end: the client's host goes down in the host-crash: its "
                         "sockets go with it (only \"gone\" can hold)");
  j["expect"]["client"]["state_at_end"] = "gone";
  EXPECT_EQ(error_of(j), "");
  CaseSpec spec = parse_case(j, "c.json", "c");
  EXPECT_EQ(spec.expect.at(Role::Client).state_at_end, SideExpect::kGone);
}

TEST(ExpectRules, AServerKilledBeforeTheConnectHasNoSocket) {
  json j = dead_host_connect();
  j["expect"]["server"]["states"] = {"SYN_RECV"};
  EXPECT_EQ(error_of(j), "c.json: expect.server.states: the server is killed by the host-crash before the client "
                         "connects: it never has a socket for this connection");
  j["expect"]["server"] = {{"states", json::array()}};
  EXPECT_EQ(error_of(j), "");
}

TEST(ExpectRules, AProcessCrashLeavesTheTargetsSocketToTheKernel) {
  json j = host_crash();
  j["fault"] = {{"type", "process-crash"}, {"target", "client"}};
  j["expect"]["client"] = {{"states", {"ESTABLISHED", "FIN_WAIT1"}}, {"state_at_end", "FIN_WAIT2"}};
  EXPECT_EQ(error_of(j), "");
}

TEST(PartitionDirection, OneWayIsAParameterAndAnUnknownOneIsRefused) {
  json j = host_crash();
  j["fault"] = {{"type", "partition"}, {"target", "client"}, {"direction", "from_target"}};
  CaseSpec spec = parse_case(j, "c.json", "c");
  EXPECT_EQ(spec.fault->params()["direction"], "from_target");
  j["fault"].erase("direction");
  EXPECT_EQ(parse_case(j, "c.json", "c").fault->params()["direction"], "both");
  j["fault"]["direction"] = "sideways";
  EXPECT_NE(error_of(j).find("fault.direction"), std::string::npos) << error_of(j);
}
