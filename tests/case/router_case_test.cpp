// The router topology in case files: its sysctls, its faults and what they refuse.
#include <gtest/gtest.h>

#include "fixtures/case_error.hpp"
#include "runner/case/case_parse.hpp"
#include "runner/case/overrides.hpp"
#include "runner/faults/registry.hpp"
#include "runner/predict/prediction_input.hpp"

#include <filesystem>

using namespace crashlab;
using namespace crashlab::runner;
using nlohmann::json;

namespace {
json router_case() {
  return json::parse(R"({
    "description": "d",
    "topology": "router",
    "fault": {"type": "conntrack-timeout", "idle_timeout_s": 2},
    "window_ms": 1000,
    "expect": {"server": {"app": []}}
  })");
}

std::string error_of(const json& j) { return testing_values::case_error_of(j); }
}  // namespace

TEST(RouterCase, TheRoutersSysctlsAndTheFaultsTimeoutShapeTheRouter) {
  json j = router_case();
  j["sysctls"] = {{"router", {{"net.ipv4.ip_forward", 1}}}};
  j["fault"]["untracked"] = "reset";
  CaseSpec c = parse_case(j, "f", "x/y");
  EXPECT_EQ(c.topology, TopologyKind::Router);
  EXPECT_EQ(c.router_sysctls.at("net.ipv4.ip_forward"), "1");
  RouterOptions r;
  c.fault->shape_router(r);
  EXPECT_EQ(r.untracked, RouterOptions::Untracked::Reset);
  EXPECT_EQ(r.sysctls.at("net.netfilter.nf_conntrack_tcp_timeout_established"), "2");
  EXPECT_EQ(c.fault->peer_after(c.topology).after_idle_ms, 2000);
  EXPECT_EQ(c.fault->peer_after(c.topology).peer, PeerAfterFault::Peer::AnswersRst);
  EXPECT_EQ(fault_text(c.fault.kind, c.fault.target), "conntrack-timeout on the router");
}

TEST(RouterCase, AConntrackFaultNeedsTheRouterAndNoTarget) {
  json j = router_case();
  j["fault"]["target"] = "client";
  EXPECT_EQ(error_of(j), "cases/x/y.json: fault.target: the conntrack-timeout fault hits the router, not a host");
  j = router_case();
  j["topology"] = "switch";
  EXPECT_EQ(error_of(j), "cases/x/y.json: fault.type: needs the router topology (\"topology\": \"router\")");
  j = router_case();
  j["fault"] = {{"type", "conntrack-flush"}, {"untracked", "maybe"}};
  EXPECT_NE(error_of(j).find("fault.untracked: 'maybe' is not one of: drop, reset"), std::string::npos) << error_of(j);
  j["fault"]["untracked"] = "drop";
  EXPECT_EQ(error_of(j), "");
}

TEST(RouterCase, TheTimeoutIsSetOnce) {
  json j = router_case();
  j["sysctls"] = {{"router", {{"net.netfilter.nf_conntrack_tcp_timeout_established", 30}}}};
  if (std::filesystem::exists("/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established"))
    EXPECT_EQ(error_of(j), "cases/x/y.json: fault.idle_timeout_s: sets the router's "
                           "net.netfilter.nf_conntrack_tcp_timeout_established: do not set it in sysctls.router too");
  else  // a kernel without conntrack loaded: the name itself is refused, with the way out
    EXPECT_NE(error_of(j).find("modprobe nf_conntrack"), std::string::npos) << error_of(j);
  CaseSpec c = parse_case(router_case(), "f", "x/y");
  try {
    apply_override(c, "router.sysctl.net.netfilter.nf_conntrack_tcp_timeout_established=30");
    FAIL() << "accepted";
  } catch (const CaseError& e) {
    EXPECT_NE(std::string(e.what()).find("the conntrack-timeout fault sets"), std::string::npos) << e.what();
  }
  j = router_case();
  j["fault"]["idle_timeout_s"] = 0;
  EXPECT_NE(error_of(j).find("fault.idle_timeout_s"), std::string::npos) << error_of(j);
}

TEST(RouterCase, OnlyTheRouterTopologyHasARouter) {
  json j = router_case();
  j["topology"] = "switch";
  j["fault"] = {{"type", "process-crash"}, {"target", "client"}};
  j["sysctls"] = {{"router", {{"net.ipv4.ip_forward", 1}}}};
  EXPECT_EQ(error_of(j), "cases/x/y.json: sysctls.router: only the router topology has a router");
  j.erase("sysctls");
  CaseSpec c = parse_case(j, "f", "x/y");
  try {
    apply_override(c, "router.sysctl.net.ipv4.ip_forward=1");
    FAIL() << "accepted";
  } catch (const CaseError& e) {
    EXPECT_NE(std::string(e.what()).find("only the router topology has a router"), std::string::npos) << e.what();
  }
}

TEST(RouterCase, SetReachesTheRouter) {
  CaseSpec c = parse_case(router_case(), "f", "x/y");
  apply_override(c, "router.sysctl.net.ipv4.ip_forward=1");
  EXPECT_EQ(c.router_sysctls.at("net.ipv4.ip_forward"), "1");
  EXPECT_EQ(c.overrides.back(), "router.sysctl.net.ipv4.ip_forward=1");
  EXPECT_THROW(apply_override(c, "router.socket.SO_KEEPALIVE=1"), CaseError);
  EXPECT_THROW(apply_override(c, "router.sysctl.net.ipv4.no_such_thing=1"), CaseError);
}

TEST(RouterCase, LinkDropAndHostFaultsBehindTheRouter) {
  json j = router_case();
  j["fault"] = {{"type", "link-drop"}, {"target", "client"}};
  EXPECT_EQ(error_of(j), "cases/x/y.json: fault.type: link-drop needs the switch or the direct topology");
  j["fault"] = {{"type", "host-crash"}, {"target", "client"}};
  CaseSpec c = parse_case(j, "f", "x/y");
  EXPECT_EQ(c.fault->peer_after(c.topology).peer, PeerAfterFault::Peer::Other) << "the router's own ARP decides";
}

TEST(RouterCase, ARouterThatPicksUpFlowsLeavesTheModel) {
  CaseSpec c = parse_case(router_case(), "f", "x/y");
  EXPECT_EQ(peer_after_fault(c).peer, PeerAfterFault::Peer::TcpDropped);
  c.router_sysctls["net.netfilter.nf_conntrack_tcp_loose"] = "1";  // as sysctls.router or --set would put it
  const PeerAfterFault p = peer_after_fault(c);
  EXPECT_EQ(p.peer, PeerAfterFault::Peer::Other);
  EXPECT_NE(p.not_modelled.find("nf_conntrack_tcp_loose is 1"), std::string::npos) << p.not_modelled;
  c.router_sysctls["net.netfilter.nf_conntrack_tcp_loose"] = "0";
  EXPECT_EQ(peer_after_fault(c).peer, PeerAfterFault::Peer::TcpDropped);
}

TEST(RouterCase, NoConnectAfterAFaultOnThePath) {
  json j = router_case();
  j["connect"] = "after_fault";
  j["expect"] = {{"client", {{"app", json::array()}}}};
  EXPECT_EQ(error_of(j), "cases/x/y.json: connect: after_fault: a new connection makes a new conntrack entry, so the "
                         "conntrack-timeout fault has nothing to forget");
}
