// The router topology against a real kernel: the client reaches the server through
// the router's NAT, the router tracks the flow, and flushing its table forgets it.
#include <gtest/gtest.h>

#include "fixtures/connected_pair.hpp"
#include "fixtures/privilege.hpp"
#include "fixtures/proc_scan.hpp"
#include "netns/topology/conntrack.hpp"
#include "netns/topology/topology.hpp"

using namespace crashlab;

namespace {
class Router : public NamespaceTest, public ::testing::WithParamInterface<bool> {};
class RouterIpv4 : public NamespaceTest {};

TopologyOptions router_options(bool ipv6) {
  TopologyOptions o;
  o.kind = TopologyKind::Router;
  o.ipv6 = ipv6;
  return o;
}
}  // namespace

TEST_P(Router, TheServerSeesTheRoutersOutsideAddressAndTheRouterTracksTheFlow) {
  auto before = snapshot_machine().links;
  Topology t(router_options(GetParam()));
  EXPECT_EQ(snapshot_machine().links, before) << "a link appeared in the initial namespace";
  EXPECT_NE(t.address(Role::Client), t.peer_address(Role::Server)) << "no NAT between them";
  EXPECT_EQ(t.peer_address(Role::Client), t.address(Role::Server));
  ConnectedPair c(t, 7021);
  const std::string accepted = c.ends.accepted.text();
  // The runner keys the server's socket by the client's port: masquerade must keep it.
  auto port_of = [](const std::string& endpoint) { return endpoint.substr(endpoint.rfind(':') + 1); };
  EXPECT_EQ(port_of(c.ends.accepted.raw.at("peer").get<std::string>()),
            port_of(c.ends.connected.raw.at("local").get<std::string>()))
      << accepted << " / " << c.ends.connected.text();
  EXPECT_NE(accepted.find(t.peer_address(Role::Server)), std::string::npos)
      << "the server's peer should be the router's outside address: " << accepted;
  EXPECT_EQ(accepted.find(t.address(Role::Client)), std::string::npos) << "the client's own address got through: " << accepted;
  EXPECT_GE(count_conntrack(*t.router_ns()), 1u) << "the router does not track the connection";
  c.client.expect(AppEventKind::Sent, c.client.send(1000));
  c.server.expect(AppEventKind::Ok, c.server.set_reading(true));
  c.server.wait_for([](const AppEvent& e) { return e.total >= 1000; }, "1000 bytes through the router",
                    scaled(milliseconds(3000)));
}

TEST_F(RouterIpv4, AFlushForgetsTheFlowAndTheRouterPicksUpNoFlowFromTheMiddle) {
  Topology t(router_options(false));
  EXPECT_EQ(Sysctl(*t.router_ns()).read("net.netfilter.nf_conntrack_tcp_loose"), "0");
  ConnectedPair c(t, 7022);
  ASSERT_EQ(count_conntrack(*t.router_ns()), 1u);
  t.flush_router_conntrack();
  EXPECT_EQ(count_conntrack(*t.router_ns()), 0u);
  // A segment of the forgotten flow is invalid: dropped, and no entry is made for it.
  c.client.expect(AppEventKind::Sent, c.client.send(100));
  EXPECT_EQ(count_conntrack(*t.router_ns()), 0u) << "the router picked the flow up again";
}

TEST_F(RouterIpv4, NextHopIsTheRoutersPortOnEachSide) {
  Topology t(router_options(false));
  EXPECT_EQ(t.next_hop(Role::Client).address, "10.77.1.254");
  EXPECT_EQ(t.next_hop(Role::Server).address, "10.77.0.254");
  EXPECT_NE(t.next_hop(Role::Client).mac, t.next_hop(Role::Server).mac);
}

INSTANTIATE_TEST_SUITE_P(Families, Router, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "ipv6" : "ipv4"; });
