// The library against a real kernel: namespaces, links, sysctls, endpoints,
// sock_diag and host crashes.
#include <gtest/gtest.h>

#include "fixtures/connected_pair.hpp"
#include "fixtures/privilege.hpp"
#include "fixtures/proc_scan.hpp"
#include "fixtures/waits.hpp"
#include "netns/client/endpoint_client.hpp"
#include "netns/observe/diag/sock_diag.hpp"
#include "netns/wire/tcp_state.hpp"
#include "netns/topology/topology.hpp"

using namespace crashlab;

namespace {
class Netns : public NamespaceTest {};


}  // namespace

TEST_F(Netns, SysctlInsideAHostLeavesTheInitialNamespaceUntouched) {
  auto before = sysctls_of_interest();
  Topology t({});
  Sysctl s = t.host(Role::Client).sysctl();
  std::string initial = *read_sysctl_here("net.ipv4.tcp_retries2");
  std::string changed = initial == "4" ? "5" : "4";
  s.write("net.ipv4.tcp_retries2", changed);
  s.write("net.ipv4.tcp_keepalive_time", "11");
  EXPECT_EQ(s.read("net.ipv4.tcp_retries2"), changed);
  EXPECT_EQ(t.host(Role::Server).sysctl().read("net.ipv4.tcp_retries2"), initial) << "leaked to the other host";
  EXPECT_EQ(sysctls_of_interest(), before) << "leaked to the initial namespace";
}

TEST_F(Netns, UnknownOrRefusedSysctlIsAClearError) {
  Host h("h");
  try {
    h.sysctl().read("net.ipv4.tcp_no_such_thing");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("net.ipv4.tcp_no_such_thing"), std::string::npos) << e.what();
  }
  EXPECT_THROW(h.sysctl().write("net.ipv4.tcp_retries2", "not-a-number"), std::runtime_error);
}

TEST_F(Netns, SwitchTopologyPutsLinksOnlyInTestNamespaces) {
  auto before = snapshot_machine().links;
  Topology t({});
  EXPECT_EQ(snapshot_machine().links, before) << "a link appeared in the initial namespace";
  EXPECT_TRUE(t.host(Role::Server).rtnl().is_up("eth0"));
  EXPECT_TRUE(t.host(Role::Client).rtnl().is_up("eth0"));
  auto sw = t.switch_host()->rtnl().link_names();
  EXPECT_NE(std::find(sw.begin(), sw.end(), "br0"), sw.end());
  EXPECT_NE(std::find(sw.begin(), sw.end(), "p-server"), sw.end());
  EXPECT_NE(std::find(sw.begin(), sw.end(), "p-client"), sw.end());
  ConnectedPair c(t, 7001);  // traffic crosses the bridge
  c.client.expect(AppEventKind::Sent, c.client.send(1000));
  c.server.expect(AppEventKind::Ok, c.server.set_reading(true));
  c.server.wait_for([](const AppEvent& e) { return e.total >= 1000; }, "1000 bytes", scaled(milliseconds(3000)));
}

TEST_F(Netns, DirectTopologyConnectsOverOneVethPair) {
  Topology t({TopologyKind::Direct, false});
  EXPECT_EQ(t.switch_ns(), nullptr);
  ConnectedPair c(t, 7002);
  EXPECT_EQ(c.client.events().back().kind, AppEventKind::Connected);
}

TEST_F(Netns, Ipv6HostsConnect) {
  Topology t({TopologyKind::Switch, true});
  ConnectedPair c(t, 7003);
  EXPECT_EQ(c.ends.connected.raw.value("peer", ""), "[fd00:77::1]:7003");
}

TEST_F(Netns, HostCrashLeavesTheSurvivorsLinkUp) {
  Topology t({});
  ConnectedPair c(t, 7004);
  t.crash_host(Role::Client);
  EXPECT_FALSE(t.has_host(Role::Client));
  EXPECT_TRUE(t.host(Role::Server).rtnl().is_up("eth0"));
  EXPECT_TRUE(t.switch_host()->rtnl().is_up("p-server"));
  EXPECT_FALSE(t.switch_host()->rtnl().has_link("p-client"));
  auto client_exit = c.client.process().wait_exit(scaled(milliseconds(3000)));
  ASSERT_TRUE(client_exit) << "the crashed host's process survived";
  EXPECT_TRUE(WIFSIGNALED(*client_exit) && WTERMSIG(*client_exit) == SIGKILL);
  // Silent: the server saw nothing at all, still ESTABLISHED.
  EXPECT_TRUE(waitForSocketState(t.host(Role::Server).ns(), 7004, "ESTABLISHED", milliseconds(0)));
  EXPECT_FALSE(c.server.find([](const AppEvent& e) { return e.is(AppEventKind::Eof); }));
}

TEST_F(Netns, RebootedHostComesBackWithTheSameAddress) {
  Topology t({});
  std::string mac = t.mac(Role::Client);
  t.crash_host(Role::Client);
  t.boot_host(Role::Client, /*new_mac=*/true);
  EXPECT_NE(t.mac(Role::Client), mac);
  ConnectedPair c(t, 7005);
}

TEST_F(Netns, SockDiagSeesOrphanedSocketsAfterTheProcessDies) {
  Topology t({});
  ConnectedPair c(t, 7006);
  c.server.expect(AppEventKind::Ok, c.server.set_reading(true));
  c.client.process().signal(SIGKILL);
  ASSERT_TRUE(c.client.process().wait_exit(scaled(milliseconds(3000))));
  c.server.wait_for(AppEventKind::Eof, scaled(milliseconds(3000)));
  // FIN_WAIT1 -> FIN_WAIT2 needs the server's ACK of the FIN, which may be delayed.
  SockEntry orphan;
  ASSERT_TRUE(waitForSocketState(t.host(Role::Client).ns(), 7006, "FIN_WAIT2", scaled(milliseconds(1000)), &orphan));
  EXPECT_EQ(orphan.inode, 0u) << "an orphan has no inode: no process owns it";
  EXPECT_TRUE(waitForSocketState(t.host(Role::Server).ns(), 7006, "CLOSE_WAIT", milliseconds(0)));
  c.server.expect(AppEventKind::Closed, c.server.close());
  EXPECT_TRUE(waitForSocketState(t.host(Role::Client).ns(), 7006, "TIME_WAIT", scaled(milliseconds(3000))));
}

TEST_F(Netns, EndpointReportsErrnoNamesForRefusedConnections) {
  Topology t({});
  EndpointClient client(t.host(Role::Client).ns(), "client");
  const int64_t id = client.start_connect({t.address(Role::Server), 7007});
  const AppEvent e = client.wait_for_answer(id, scaled(milliseconds(3000)));
  EXPECT_EQ(e.kind, AppEventKind::Error) << e.text();
  EXPECT_EQ(e.op, "connect");
  EXPECT_EQ(e.error, "ECONNREFUSED");
}
