// Sysctls checked as the kernel would take them, and actions a case cannot ask
// for (a dead side acting, times beyond the window). The sysctl listing comes from
// a fresh network namespace; the few tests that depend on it being fresh skip
// when it could not be created (no privilege).
#include <gtest/gtest.h>

#include "fixtures/case_error.hpp"

#include <filesystem>

#include "runner/case/case_parse.hpp"
#include "runner/case/overrides.hpp"
#include "runner/case/sysctl/sysctl_catalogue.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
json base() { return testing_values::host_crash_send_json(); }

std::string error_of(const json& j) { return testing_values::case_error_of(j, "c.json", "c"); }

std::string sysctl_error(const std::string& name, const json& value) {
  json j = base();
  j["sysctls"]["server"][name] = value;
  return error_of(j);
}

std::string set_error(const std::string& assignment) {
  CaseSpec spec = parse_case(base(), "c.json", "c");
  try {
    apply_override(spec, assignment);
    return "";
  } catch (const CaseError& e) {
    return e.what();
  }
}

bool fresh() { return fresh_namespace_sysctls().fallback_note.empty(); }
}  // namespace

TEST(SysctlRules, IntegersBeyondInt64AreRefusedNotWrapped) {
  EXPECT_EQ(sysctl_error("net.ipv4.tcp_retries2", json(18446744073709551615ULL)),
            "c.json: sysctls.server.net.ipv4.tcp_retries2: 18446744073709551615 is out of range [0, 255]");
  EXPECT_EQ(set_error("server.sysctl.net.ipv4.tcp_retries2=18446744073709551615"),
            "--set server.sysctl.net.ipv4.tcp_retries2=18446744073709551615: net.ipv4.tcp_retries2: "
            "18446744073709551615 is out of range [0, 255]");
}

TEST(SysctlRules, KernelRangesOfTheModelsSysctls) {
  EXPECT_NE(sysctl_error("net.ipv4.tcp_retries2", 256).find("256 is out of range [0, 255]"), std::string::npos);
  EXPECT_NE(sysctl_error("net.ipv4.tcp_syn_retries", 0).find("0 is out of range [1, 127]"), std::string::npos);
  EXPECT_NE(sysctl_error("net.ipv4.tcp_syn_retries", 128).find("128 is out of range [1, 127]"), std::string::npos);
  EXPECT_NE(sysctl_error("net.ipv4.tcp_early_retrans", 5).find("[0, 4]"), std::string::npos);
  EXPECT_EQ(sysctl_error("net.ipv4.tcp_syn_retries", 127), "");
  EXPECT_EQ(sysctl_error("net.ipv4.tcp_retries2", 0), "");
  // Elsewhere: the int range of proc_dointvec.
  EXPECT_NE(sysctl_error("net.ipv4.tcp_reordering", 2147483648LL).find("[-2147483648, 2147483647]"),
            std::string::npos);
}

TEST(SysctlRules, NamesMustBeWritableFilesOfANamespace) {
  EXPECT_NE(sysctl_error("net.ipv4.conf", 1).find("net.ipv4.conf: no such writable sysctl"), std::string::npos);
  EXPECT_NE(sysctl_error("net.ipv4.tcp_available_congestion_control", "reno").find("no such writable sysctl"),
            std::string::npos);
  EXPECT_NE(sysctl_error(std::string("net.ipv4.tcp_retries2\0", 22), 1).find("NUL byte"), std::string::npos);
  EXPECT_NE(sysctl_error("net..ipv4.tcp_retries2", 1).find("empty component"), std::string::npos);
  EXPECT_NE(sysctl_error("net.ipv4.tcp_retries2.", 1).find("empty component"), std::string::npos);
  EXPECT_NE(sysctl_error("net.ipv4/../../kernel", 1).find("dots, not slashes"), std::string::npos);
  EXPECT_NE(set_error("server.sysctl.net..ipv4.x=1").find("empty component"), std::string::npos);
  // eth0, every test host's interface, is checked as "default".
  EXPECT_EQ(sysctl_error("net.ipv4.conf.eth0.arp_announce", 2), "");
}

TEST(SysctlRules, NamesOnlyTheInitialNamespaceHasAreRefused) {
  if (!fresh()) GTEST_SKIP() << "no fresh namespace" << fresh_namespace_sysctls().fallback_note;
  if (!fs::exists("/proc/sys/net/core/bpf_jit_enable")) GTEST_SKIP() << "not in the initial namespace";
  EXPECT_NE(sysctl_error("net.core.bpf_jit_enable", 1).find("no such writable sysctl in a fresh network namespace"),
            std::string::npos);
}

TEST(SysctlRules, TheRunnersOwnInterfacesAreNotATestHosts) {
  if (!fresh()) GTEST_SKIP() << "no fresh namespace" << fresh_namespace_sysctls().fallback_note;
  std::string own;
  for (const auto& e : fs::directory_iterator("/sys/class/net")) {
    std::string n = e.path().filename();
    if (n != "lo" && n != "eth0" && fs::exists("/proc/sys/net/ipv4/conf/" + n + "/forwarding")) own = n;
  }
  if (own.empty()) GTEST_SKIP() << "the runner's namespace has no interface besides lo and eth0";
  EXPECT_NE(sysctl_error("net.ipv4.conf." + own + ".forwarding", 1).find("no such writable sysctl"),
            std::string::npos);
}

TEST(SysctlRules, ValuesHaveTheShapeOfTheCurrentValue) {
  EXPECT_NE(sysctl_error("net.ipv4.tcp_retries2", "many").find("'many' is not an integer"), std::string::npos);
  EXPECT_NE(sysctl_error("net.ipv4.tcp_rmem", "4096 131072").find("takes 3 integers, got 2 values"),
            std::string::npos);
  EXPECT_NE(sysctl_error("net.ipv4.tcp_retries2", 1.5).find("must be an integer or a string"), std::string::npos);
  EXPECT_NE(sysctl_error("net.ipv4.tcp_congestion_control", 5).find("takes a string"), std::string::npos);
  EXPECT_NE(sysctl_error("net.ipv4.tcp_congestion_control", "re\nno").find("one line"), std::string::npos);
  json j = base();
  j["sysctls"]["server"]["net.ipv4.tcp_rmem"] = "4096   131072\t6291456";
  j["sysctls"]["server"]["net.ipv4.tcp_congestion_control"] = "reno";
  CaseSpec c = parse_case(j, "c.json", "c");
  EXPECT_EQ(c.sysctls.at(Role::Server).at("net.ipv4.tcp_rmem"), "4096 131072 6291456");
  EXPECT_EQ(c.sysctls.at(Role::Server).at("net.ipv4.tcp_congestion_control"), "reno");
}

TEST(ActionRules, TheFaultsTargetCannotActAfterAKillingFault) {
  json j = base();
  j["after_fault"].push_back({{"role", "client"}, {"do", "send"}, {"bytes", 1}});
  EXPECT_EQ(error_of(j), "c.json: after_fault[1].role: the client's process is gone after the host-crash fault; "
                         "it cannot act");
  j["fault"] = {{"type", "process-crash"}, {"target", "client"}};
  EXPECT_NE(error_of(j).find("gone after the process-crash fault"), std::string::npos);
  // A fault that leaves the process alive does not.
  j["fault"] = {{"type", "freeze"}, {"target", "client"}};
  EXPECT_EQ(error_of(j), "");
}

TEST(ActionRules, ARebootedHostsListenerCannotAct) {
  json j = base();
  j["fault"] = {{"type", "host-reboot"}, {"target", "client"}, {"reboot_after_ms", 1000}, {"listener", true}};
  j["after_fault"].push_back({{"role", "client"}, {"do", "send"}, {"bytes", 1}, {"when", "rebooted"}});
  EXPECT_NE(error_of(j).find("after_fault[1].role: the client's process died in the host-reboot; a rebooted "
                             "host's new process only listens"),
            std::string::npos)
      << error_of(j);
}

TEST(ActionRules, ASideCannotActAfterItsOwnExit) {
  json j = base();
  j["fault"] = {{"type", "freeze"}, {"target", "client"}};
  j["after_fault"] = {{{"role", "server"}, {"do", "exit"}}, {{"role", "server"}, {"do", "close"}}};
  EXPECT_EQ(error_of(j), "c.json: after_fault[1].role: the server exited in after_fault[0]; a side cannot act "
                         "after its own exit");
  j["before_fault"] = {{{"role", "client"}, {"do", "exit"}}};
  j["after_fault"] = {{{"role", "client"}, {"do", "send"}, {"bytes", 1}}};
  EXPECT_NE(error_of(j).find("after_fault[0].role: the client exited in before_fault[0]"), std::string::npos);
}

TEST(ActionRules, TimesBeyondTheWindowAreRefused) {
  json j = base();
  j["after_fault"][0]["delay_ms"] = 60000;
  EXPECT_EQ(error_of(j), "c.json: after_fault[0].delay_ms: 60000 ms is beyond the case's window (window_ms 5000): "
                         "nothing after the window is observed");
  j["after_fault"][0]["delay_ms"] = 5000;  // the window's last moment still counts
  EXPECT_EQ(error_of(j), "");

  json p = base();
  p["fault"] = {{"type", "partition"}, {"target", "client"}, {"heal_after_ms", 9000}};
  EXPECT_NE(error_of(p).find("fault.heal_after_ms: 9000 ms is beyond"), std::string::npos) << error_of(p);
  p["fault"]["heal_after_ms"] = 4000;
  p["after_fault"].push_back({{"role", "client"}, {"do", "send"}, {"bytes", 1}, {"when", "healed"}, {"delay_ms", 1500}});
  // 4000 + 1500 from the fault.
  EXPECT_NE(error_of(p).find("after_fault[1].delay_ms: with the recovery step, 5500 ms is beyond"), std::string::npos)
      << error_of(p);
  p["after_fault"][1]["delay_ms"] = 1000;
  EXPECT_EQ(error_of(p), "");

  json r = base();
  r["fault"] = {{"type", "host-reboot"}, {"target", "client"}, {"reboot_after_ms", 6000}};
  EXPECT_NE(error_of(r).find("fault.reboot_after_ms: 6000 ms is beyond"), std::string::npos) << error_of(r);
  json b = base();
  b["before_fault"] = {{{"role", "server"}, {"do", "send"}, {"bytes", 1}, {"delay_ms", 5001}}};
  EXPECT_NE(error_of(b).find("before_fault[0].delay_ms: 5001 ms is beyond"), std::string::npos);
}
