#include <gtest/gtest.h>

#include "netns/topology/router.hpp"

using namespace crashlab;

namespace {
std::string chain(const std::string& ruleset, const std::string& name) {
  const size_t from = ruleset.find("chain " + name + " {");
  if (from == std::string::npos) return "";
  return ruleset.substr(from, ruleset.find('}', from) - from);
}
}  // namespace

TEST(RouterRuleset, MasqueradesWhatLeavesThroughTheOutsidePort) {
  const std::string r = router_ruleset(RouterOptions::Untracked::Drop, "p-server");
  EXPECT_NE(r.find("oifname \"p-server\" masquerade"), std::string::npos) << r;
  for (const char* name : {"forward", "input"})
    EXPECT_NE(chain(r, name).find("ct state invalid drop"), std::string::npos) << name << ":\n" << r;
  EXPECT_EQ(r.find("reject"), std::string::npos) << r;
}


TEST(RouterRuleset, ResetAnswersAnUntrackedTcpSegmentEitherWay) {
  const std::string r = router_ruleset(RouterOptions::Untracked::Reset, "p-server");
  // forward: what the client sends on; input: what the server sends to the router's own address.
  for (const char* name : {"forward", "input"}) {
    const std::string c = chain(r, name);
    const size_t reset = c.find("meta l4proto tcp ct state invalid reject with tcp reset");
    ASSERT_NE(reset, std::string::npos) << name << ":\n" << r;
    EXPECT_LT(reset, c.find("ct state invalid drop")) << "the drop would come first in " << name << ":\n" << r;
  }
  EXPECT_EQ(chain(r, "postrouting").find("reject"), std::string::npos) << r;
}

TEST(RouterSysctls, PicksUpNoFlowFromTheMiddle) {
  const auto s = router_sysctls();
  EXPECT_EQ(s.at("net.netfilter.nf_conntrack_tcp_loose"), "0");
  EXPECT_EQ(s.at("net.ipv4.ip_forward"), "1");
}
