#include <gtest/gtest.h>

#include "netns/router.hpp"

using namespace crashlab;

TEST(RouterRuleset, MasqueradesWhatLeavesThroughTheOutsidePort) {
  const std::string r = router_ruleset(RouterOptions::Untracked::Drop, "p-server");
  EXPECT_NE(r.find("oifname \"p-server\" masquerade"), std::string::npos) << r;
  EXPECT_NE(r.find("ct state invalid drop"), std::string::npos) << r;
  EXPECT_EQ(r.find("reject"), std::string::npos) << r;
}

TEST(RouterRuleset, ResetAnswersAnUntrackedTcpSegment) {
  const std::string r = router_ruleset(RouterOptions::Untracked::Reset, "p-server");
  EXPECT_NE(r.find("meta l4proto tcp ct state invalid reject with tcp reset"), std::string::npos) << r;
}

TEST(RouterSysctls, PicksUpNoFlowFromTheMiddle) {
  const auto s = router_sysctls();
  EXPECT_EQ(s.at("net.netfilter.nf_conntrack_tcp_loose"), "0");
  EXPECT_EQ(s.at("net.ipv4.ip_forward"), "1");
}
