// Case-file parsing and validation: every bad input is refused with the file and
// the field named. No privileges needed.
#include <gtest/gtest.h>

#include "fixtures/case_error.hpp"

#include "runner/case/case_files.hpp"
#include "runner/case/case_parse.hpp"
#include "runner/case/overrides.hpp"

using namespace crashlab;
using namespace crashlab::runner;
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

std::string error_of(const json& j) { return testing_values::case_error_of(j); }
}  // namespace

TEST(CaseSpec, MinimalCaseParsesWithDefaults) {
  CaseSpec c = parse_case(minimal(), "cases/x/y.json", "x/y");
  EXPECT_EQ(c.topology, TopologyKind::Switch);
  EXPECT_FALSE(c.ipv6);
  EXPECT_EQ(c.fault.kind, FaultKind::ProcessCrash);
  EXPECT_EQ(c.fault.target, Role::Client);
  EXPECT_EQ(c.window_ms, 1000);
  ASSERT_TRUE(c.expect.at(Role::Server).app);
  EXPECT_EQ(*c.expect.at(Role::Server).app, (std::vector<Outcome>{Outcome{Outcome::Kind::Eof, 0}}));
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
  EXPECT_NE(error_of(j).find("sysctls.server.net.ipv4.tcp_retries9: no such writable sysctl in a fresh network namespace"), std::string::npos)
      << error_of(j);
  j = minimal();
  j["sysctls"]["client"]["kernel.panic"] = 1;
  EXPECT_NE(error_of(j).find("only net.* sysctls are per network namespace"), std::string::npos);
  j = minimal();
  j["sysctls"]["client"]["net.ipv4/../../kernel.panic"] = 1;
  EXPECT_NE(error_of(j).find("dots, not slashes"), std::string::npos) << error_of(j);
}

TEST(CaseSpec, UnknownSocketOptionAndBadValueAreRefused) {
  json j = minimal();
  j["sockets"]["server"]["SO_KEEPALIVE"] = true;
  j["sockets"]["server"]["TCP_KEEPIDLE"] = 10;
  EXPECT_EQ(error_of(j), "");
  j["sockets"]["server"]["TCP_KEEPALIVE_FOREVER"] = 1;
  EXPECT_EQ(error_of(j).rfind("cases/x/y.json: sockets.server.TCP_KEEPALIVE_FOREVER: unknown socket option (known: ", 0), 0u)
      << error_of(j);
  j = minimal();
  j["sockets"]["client"]["TCP_USER_TIMEOUT"] = "2s";
  EXPECT_EQ(error_of(j), "cases/x/y.json: sockets.client.TCP_USER_TIMEOUT: must be an integer, got \"2s\"");
  // The endpoint's own validator: a boolean is only for on/off options.
  j = minimal();
  j["sockets"]["client"]["TCP_KEEPIDLE"] = true;
  EXPECT_EQ(error_of(j), "cases/x/y.json: sockets.client.TCP_KEEPIDLE: must be an integer, got true");
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
  EXPECT_EQ(c.sysctls[Role::Server]["net.ipv4.tcp_retries2"], "4");
  EXPECT_EQ(c.sysctls[Role::Client]["net.ipv4.tcp_retries2"], "4");
  ASSERT_EQ(c.sockets[Role::Server].size(), 1u);
  EXPECT_EQ(c.sockets[Role::Server][0].name, "TCP_USER_TIMEOUT");
  EXPECT_EQ(c.sockets[Role::Server][0].value, 1500);
  apply_override(c, "server.socket.TCP_USER_TIMEOUT=2500");  // replaces, keeps its place
  ASSERT_EQ(c.sockets[Role::Server].size(), 1u);
  EXPECT_EQ(c.sockets[Role::Server][0].value, 2500);
  EXPECT_FALSE(c.sockets.count(Role::Client));
  EXPECT_THROW(apply_override(c, "router.sysctl.net.ipv4.tcp_retries2=4"), CaseError);
  EXPECT_THROW(apply_override(c, "server.sysctl.net.ipv4.nope=4"), CaseError);
  EXPECT_THROW(apply_override(c, "server.socket.SO_NOPE=1"), CaseError);
  EXPECT_THROW(apply_override(c, "server.tcp_retries2"), CaseError);
}

TEST(CaseSpec, SocketOptionValuesAreCheckedAgainstTheKernelsRanges) {
  CaseSpec c = parse_case(minimal(), "f", "n");
  auto error = [&](const std::string& set) {
    try {
      apply_override(c, set);
      return std::string();
    } catch (const CaseError& e) {
      return std::string(e.what());
    }
  };
  EXPECT_EQ(error("server.socket.TCP_KEEPIDLE=0"), "--set server.socket.TCP_KEEPIDLE=0: TCP_KEEPIDLE: 0 is out of range [1, 32767]");
  EXPECT_NE(error("server.socket.TCP_KEEPCNT=128").find("out of range [1, 127]"), std::string::npos);
  EXPECT_NE(error("server.socket.TCP_USER_TIMEOUT=18446744073709551615").find("out of range"), std::string::npos);
  EXPECT_NE(error("server.socket.TCP_USER_TIMEOUT=abc").find("not a number or boolean"), std::string::npos);
  EXPECT_NE(error("server.socket.TCP_MAXSEG=40").find("at least 88"), std::string::npos);
  EXPECT_EQ(error("server.socket.SO_KEEPALIVE=true"), "");
  EXPECT_EQ(error("server.socket.TCP_KEEPIDLE=1"), "");
}

TEST(CaseSpec, CaseNamesComeFromThePathUnderCases) {
  EXPECT_EQ(case_name_for("cases/process-crash/idle.json"), "process-crash/idle");
  EXPECT_EQ(case_name_for("/work/x/cases/host-crash/send.json"), "host-crash/send");
  EXPECT_EQ(case_name_for("/tmp/lonely.json"), "lonely");
}

TEST(CaseSpec, HostRebootNeedsItsTimeAndTheSwitch) {
  json j = minimal();
  j["fault"] = {{"type", "host-reboot"}, {"target", "client"}};
  EXPECT_EQ(error_of(j), "cases/x/y.json: fault.reboot_after_ms: missing");
  j["fault"]["reboot_after_ms"] = 1000;
  j["fault"]["new_mac"] = true;
  CaseSpec c = parse_case(j, "f", "x/y");
  EXPECT_EQ(c.fault->recovery_after_ms(), 1000);
  EXPECT_EQ(c.fault->params()["new_mac"], true);
  EXPECT_EQ(c.fault->params()["gratuitous_arp"], false);
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
  j["expect"] = {{"client", {{"app", {"ECONNREFUSED"}}}}};
  EXPECT_TRUE(parse_case(j, "f", "x/y").connect_after_fault);
}

TEST(CaseSpec, DetectionWindowFromTheModel) {
  json j = minimal();
  j["expect"]["server"]["detected_after_ms"] = "model";
  auto e = parse_case(j, "f", "x/y").expect.at(Role::Server);
  ASSERT_TRUE(e.detected_by_model);
  EXPECT_EQ(e.detected_by_model->tolerance_pct, 5);
  j["expect"]["server"]["detected_after_ms"] = {{"model", {{"tolerance_pct", 2.5}, {"tolerance_ms", 30}}}};
  e = parse_case(j, "f", "x/y").expect.at(Role::Server);
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
  EXPECT_NE(error_of(j).find("no such writable sysctl"), std::string::npos) << error_of(j);
}

TEST(CaseSpec, NeighbourAtFaultIsAChoicePerSideWithADefaultForAConnectionInUse) {
  json j = minimal();
  CaseSpec c = parse_case(j, "cases/x/y.json", "x/y");
  EXPECT_EQ(c.neighbour_at_fault(Role::Server), NeighbourChoice::Reachable);
  EXPECT_EQ(c.neighbour_at_fault(Role::Client), NeighbourChoice::Reachable);
  j["neighbour_at_fault"] = {{"server", "stale"}, {"client", "untouched"}};
  c = parse_case(j, "cases/x/y.json", "x/y");
  EXPECT_EQ(c.neighbour_at_fault(Role::Server), NeighbourChoice::Stale);
  EXPECT_EQ(c.neighbour_at_fault(Role::Client), NeighbourChoice::Untouched);
  j["neighbour_at_fault"] = {{"server", "warm"}};
  EXPECT_EQ(error_of(j), "cases/x/y.json: neighbour_at_fault.server: 'warm' is not one of: absent, reachable, stale, untouched");
  j["neighbour_at_fault"] = {{"router", "stale"}};
  EXPECT_EQ(error_of(j), "cases/x/y.json: neighbour_at_fault.router: unknown key");
  json connect_later = minimal();
  connect_later["connect"] = "after_fault";
  connect_later["fault"]["target"] = "server";
  connect_later["expect"] = {{"client", {{"app", {"EHOSTUNREACH"}}}}};
  EXPECT_EQ(parse_case(connect_later, "cases/x/y.json", "x/y").neighbour_at_fault(Role::Client), NeighbourChoice::Absent);
}
