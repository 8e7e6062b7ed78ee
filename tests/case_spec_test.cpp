// Case-file parsing and validation: every bad input is refused with the file and
// the field named. No privileges needed.
#include <gtest/gtest.h>

#include "runner/case_spec.hpp"
#include "runner/expectations.hpp"

using namespace crashlab;
using nlohmann::json;

namespace {
json minimal() {
  return json::parse(R"({
    "description": "d",
    "fault": {"type": "process-crash", "target": "client"},
    "window_ms": 1000,
    "expect": {"server": {"app": ["EOF"]}}
  })");
}

// The error message for `j`, or "" if it parsed.
std::string error_of(const json& j) {
  try {
    parse_case(j, "cases/x/y.json", "x/y");
    return "";
  } catch (const CaseError& e) {
    return e.what();
  }
}
}  // namespace

TEST(CaseSpec, MinimalCaseParsesWithDefaults) {
  CaseSpec c = parse_case(minimal(), "cases/x/y.json", "x/y");
  EXPECT_EQ(c.topology, TopologyKind::Switch);
  EXPECT_FALSE(c.ipv6);
  EXPECT_EQ(c.fault.type, "process-crash");
  EXPECT_EQ(c.window_ms, 1000);
  ASSERT_TRUE(c.expect.at("server").app);
  EXPECT_EQ(*c.expect.at("server").app, std::vector<std::string>{"EOF"});
}

TEST(CaseSpec, UnknownTopLevelKeyNamesFileAndField) {
  json j = minimal();
  j["windw_ms"] = 5;
  EXPECT_EQ(error_of(j), "cases/x/y.json: windw_ms: unknown key");
}

TEST(CaseSpec, WrongTypeNamesNestedField) {
  json j = minimal();
  j["fault"]["after_ms"] = "soon";
  EXPECT_EQ(error_of(j), "cases/x/y.json: fault.after_ms: must be an integer, got \"soon\"");
}

TEST(CaseSpec, NegativeAndAbsurdTimesAreRefused) {
  json j = minimal();
  j["window_ms"] = -1;
  EXPECT_NE(error_of(j).find("window_ms: -1 is out of range"), std::string::npos) << error_of(j);
  j["window_ms"] = 1LL << 40;
  EXPECT_NE(error_of(j).find("window_ms:"), std::string::npos);
  j = minimal();
  j["expect"]["server"]["detected_after_ms"] = {500, 100};
  EXPECT_NE(error_of(j).find("expect.server.detected_after_ms: needs 0 <= min <= max"), std::string::npos);
}

TEST(CaseSpec, UnknownFaultRoleStateAndErrnoAreRefused) {
  json j = minimal();
  j["fault"]["type"] = "meteor";
  EXPECT_NE(error_of(j).find("fault.type: 'meteor' is not one of"), std::string::npos) << error_of(j);
  j = minimal();
  j["fault"]["target"] = "router";
  EXPECT_NE(error_of(j).find("fault.target: 'router'"), std::string::npos);
  j = minimal();
  j["expect"]["server"]["states"] = {"ESTABLISHED", "HALF_OPEN"};
  EXPECT_NE(error_of(j).find("expect.server.states[1]: 'HALF_OPEN' is not a TCP state"), std::string::npos);
  j = minimal();
  j["expect"]["server"]["app"] = {"ECONNWHAT"};
  EXPECT_NE(error_of(j).find("expect.server.app[0]: 'ECONNWHAT'"), std::string::npos);
  j = minimal();
  j["expect"]["router"] = json::object();
  EXPECT_NE(error_of(j).find("expect.router: unknown key"), std::string::npos) << error_of(j);
}

TEST(CaseSpec, UnknownSysctlIsCheckedAgainstProcSys) {
  json j = minimal();
  j["sysctls"]["server"]["net.ipv4.tcp_retries2"] = 3;
  EXPECT_EQ(error_of(j), "");
  j["sysctls"]["server"]["net.ipv4.tcp_retries9"] = 3;
  EXPECT_NE(error_of(j).find("sysctls.server.net.ipv4.tcp_retries9: no such sysctl on this kernel"), std::string::npos)
      << error_of(j);
  j = minimal();
  j["sysctls"]["client"]["kernel.panic"] = 1;
  EXPECT_NE(error_of(j).find("only net.* sysctls are per network namespace"), std::string::npos);
  j = minimal();
  j["sysctls"]["client"]["net.ipv4/../../kernel.panic"] = 1;
  EXPECT_NE(error_of(j).find("invalid sysctl name"), std::string::npos) << error_of(j);
}

TEST(CaseSpec, UnknownSocketOptionAndBadValueAreRefused) {
  json j = minimal();
  j["sockets"]["server"]["SO_KEEPALIVE"] = true;
  j["sockets"]["server"]["TCP_KEEPIDLE"] = 10;
  EXPECT_EQ(error_of(j), "");
  j["sockets"]["server"]["TCP_KEEPALIVE_FOREVER"] = 1;
  EXPECT_EQ(error_of(j), "cases/x/y.json: sockets.server.TCP_KEEPALIVE_FOREVER: unknown socket option");
  j = minimal();
  j["sockets"]["client"]["TCP_USER_TIMEOUT"] = "2s";
  EXPECT_NE(error_of(j).find("sockets.client.TCP_USER_TIMEOUT: must be an integer or a boolean"), std::string::npos);
}

TEST(CaseSpec, ActionsAreValidated) {
  json j = minimal();
  j["after_fault"] = json::parse(R"([{"role": "server", "do": "send", "bytes": 10, "when": "state:CLOSE"}])");
  EXPECT_EQ(error_of(j), "");
  j["after_fault"][0]["when"] = "state:GONE";
  EXPECT_NE(error_of(j).find("after_fault[0].when: 'GONE' is not a TCP state"), std::string::npos) << error_of(j);
  j["after_fault"][0] = json::parse(R"({"role": "server", "do": "send"})");
  EXPECT_NE(error_of(j).find("after_fault[0].bytes: missing"), std::string::npos) << error_of(j);
}

TEST(CaseSpec, DescriptionAndExpectationsAreRequired) {
  json j = minimal();
  j.erase("description");
  EXPECT_EQ(error_of(j), "cases/x/y.json: description: missing");
  j = minimal();
  j["expect"] = json::object();
  EXPECT_NE(error_of(j).find("expect: a case must expect something"), std::string::npos);
}

TEST(CaseSpec, OverridesSetSysctlsAndSocketOptionsPerRole) {
  CaseSpec c = parse_case(minimal(), "f", "n");
  apply_override(c, "all.sysctl.net.ipv4.tcp_retries2=4");
  apply_override(c, "server.socket.TCP_USER_TIMEOUT=1500");
  EXPECT_EQ(c.sysctls["server"]["net.ipv4.tcp_retries2"], "4");
  EXPECT_EQ(c.sysctls["client"]["net.ipv4.tcp_retries2"], "4");
  EXPECT_EQ(c.sockets["server"]["TCP_USER_TIMEOUT"], 1500);
  EXPECT_FALSE(c.sockets.count("client"));
  EXPECT_THROW(apply_override(c, "router.sysctl.net.ipv4.tcp_retries2=4"), CaseError);
  EXPECT_THROW(apply_override(c, "server.sysctl.net.ipv4.nope=4"), CaseError);
  EXPECT_THROW(apply_override(c, "server.socket.SO_NOPE=1"), CaseError);
  EXPECT_THROW(apply_override(c, "server.tcp_retries2"), CaseError);
}

TEST(CaseSpec, CaseNamesComeFromThePathUnderCases) {
  EXPECT_EQ(case_name_for("cases/process-crash/idle.json"), "process-crash/idle");
  EXPECT_EQ(case_name_for("/work/x/cases/host-crash/send.json"), "host-crash/send");
  EXPECT_EQ(case_name_for("/tmp/lonely.json"), "lonely");
}

TEST(StatesMatch, ExactObserverNeedsTheWholeSequence) {
  std::vector<std::string> want = {"ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSE"};
  EXPECT_TRUE(states_match(want, want, true));
  EXPECT_FALSE(states_match(want, {"ESTABLISHED", "CLOSE_WAIT", "CLOSE"}, true));
  EXPECT_FALSE(states_match(want, {"ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSE", "CLOSE"}, true));
}

TEST(StatesMatch, SampledSequenceMayMissMiddleStatesOnly) {
  std::vector<std::string> want = {"ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSE"};
  EXPECT_TRUE(states_match(want, {"ESTABLISHED", "CLOSE_WAIT", "CLOSE"}, false));
  EXPECT_FALSE(states_match(want, {"ESTABLISHED", "CLOSE_WAIT"}, false));            // wrong end
  EXPECT_FALSE(states_match(want, {"ESTABLISHED", "LAST_ACK", "CLOSE_WAIT", "CLOSE"}, false));  // order
  EXPECT_FALSE(states_match(want, {"ESTABLISHED", "FIN_WAIT1", "CLOSE"}, false));    // a state not expected
  EXPECT_FALSE(states_match(want, {}, false));
}

TEST(CaseSpec, HostRebootNeedsItsTimeAndTheSwitch) {
  json j = minimal();
  j["fault"] = {{"type", "host-reboot"}, {"target", "client"}};
  EXPECT_EQ(error_of(j), "cases/x/y.json: fault.reboot_after_ms: missing");
  j["fault"]["reboot_after_ms"] = 1000;
  j["fault"]["new_mac"] = true;
  CaseSpec c = parse_case(j, "f", "x/y");
  EXPECT_EQ(c.fault.recovery_after_ms(), 1000);
  EXPECT_TRUE(c.fault.new_mac);
  j["topology"] = "direct";
  EXPECT_EQ(error_of(j), "cases/x/y.json: fault.type: host-reboot needs the switch topology");
}

TEST(CaseSpec, FaultFieldsBelongToTheirFault) {
  json j = minimal();
  j["fault"]["drop"] = "tcp";
  EXPECT_EQ(error_of(j), "cases/x/y.json: fault.drop: only applies to the partition fault");
  j = minimal();
  j["fault"] = {{"type", "partition"}, {"target", "client"}, {"drop", "udp"}};
  EXPECT_NE(error_of(j).find("fault.drop: 'udp' is not one of: all, tcp"), std::string::npos) << error_of(j);
}

TEST(CaseSpec, HealedNeedsAPartitionThatHeals) {
  json j = minimal();
  j["fault"] = {{"type", "partition"}, {"target", "client"}};
  j["after_fault"] = json::array({{{"role", "server"}, {"do", "send"}, {"bytes", 1}, {"when", "healed"}}});
  EXPECT_EQ(error_of(j), "cases/x/y.json: after_fault[0].when: 'healed' needs a partition fault with heal_after_ms");
  j["fault"]["heal_after_ms"] = 500;
  EXPECT_EQ(error_of(j), "");
}

TEST(CaseSpec, ConnectAfterFaultNeedsTheServerHit) {
  json j = minimal();
  j["connect"] = "after_fault";
  EXPECT_EQ(error_of(j),
            "cases/x/y.json: connect: after_fault needs the fault to hit the server: the client is the one that connects");
  j["fault"]["target"] = "server";
  EXPECT_TRUE(parse_case(j, "f", "x/y").connect_after_fault);
}

TEST(CaseSpec, DetectionWindowFromTheModel) {
  json j = minimal();
  j["expect"]["server"]["detected_after_ms"] = "model";
  auto e = parse_case(j, "f", "x/y").expect.at("server");
  ASSERT_TRUE(e.detected_by_model);
  EXPECT_EQ(e.detected_by_model->tolerance_pct, 5);
  j["expect"]["server"]["detected_after_ms"] = {{"model", {{"tolerance_pct", 2.5}, {"tolerance_ms", 30}}}};
  e = parse_case(j, "f", "x/y").expect.at("server");
  EXPECT_EQ(e.detected_by_model->tolerance_pct, 2.5);
  EXPECT_EQ(e.detected_by_model->tolerance_ms, 30);
  j["expect"]["server"]["detected_after_ms"] = {{"model", {{"tolerance_pc", 2}}}};
  EXPECT_EQ(error_of(j), "cases/x/y.json: expect.server.detected_after_ms.model.tolerance_pc: unknown key");
  j["expect"]["server"]["detected_after_ms"] = "modle";
  EXPECT_NE(error_of(j).find("expect.server.detected_after_ms: must be an array"), std::string::npos) << error_of(j);
}

TEST(CaseSpec, PerInterfaceSysctlsAreCheckedAgainstTheDefaultEntry) {
  json j = minimal();
  // conf, not neigh: the kernel hides neigh.* from a user namespace's net namespace.
  j["sysctls"] = {{"client", {{"net.ipv4.conf.eth0.arp_ignore", 1}}}};
  EXPECT_EQ(error_of(j), "");
  j["sysctls"] = {{"client", {{"net.ipv4.conf.eth0.no_such_knob", 1}}}};
  EXPECT_NE(error_of(j).find("no such sysctl"), std::string::npos) << error_of(j);
}

TEST(ModelWindow, TheLargestToleranceWinsAndTheSpreadWidensTheTop) {
  ModelWindow w = model_window(1000, 100, ModelTolerance{5, 0}, 4);
  EXPECT_DOUBLE_EQ(w.lo, 950);
  EXPECT_DOUBLE_EQ(w.hi, 1150);
  w = model_window(20, 0, ModelTolerance{5, 0}, 4);  // one tick beats 5 % of 20 ms
  EXPECT_DOUBLE_EQ(w.lo, 16);
  w = model_window(1000, 0, ModelTolerance{5, 80}, 4);
  EXPECT_DOUBLE_EQ(w.hi, 1080);
}
