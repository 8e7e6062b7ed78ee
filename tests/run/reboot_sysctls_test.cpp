// A rebooted host gets its case's sysctls back (the case's and --set's), through
// the same call as at creation and before its link comes up; and arp_notify set
// that way takes effect: the rebooted host's kernel announces its new MAC with a
// gratuitous ARP as its link comes up.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>

#include "fixtures/privilege.hpp"
#include "netns/sys/unique_fd.hpp"
#include "netns/sys/wait.hpp"
#include "runner/case/case_parse.hpp"
#include "runner/case/overrides.hpp"
#include "runner/run/world/topology_options.hpp"

using namespace crashlab;
using namespace crashlab::runner;

namespace {
class RebootedHost : public NamespaceTest {};

CaseSpec reboot_case(int arp_notify) {
  return parse_case(nlohmann::json::parse(R"({"description": "d",
    "sysctls": {"client": {"net.ipv4.conf.eth0.arp_notify": )" + std::to_string(arp_notify) + R"(}},
    "fault": {"type": "host-reboot", "target": "client", "reboot_after_ms": 100, "new_mac": true},
    "window_ms": 1000, "expect": {"server": {"app": []}}})"),
                    "cases/t/t.json", "t/t");
}

struct ArpSeen {
  bool gratuitous = false;  // the host's own address and MAC, announced
  bool marker = false;
};

// ARP frames the switch receives on the client's port until the client's request
// for `marker_ip` (which it sends after everything its link-up sent): is there a
// gratuitous ARP for `ip` from `mac` before it?
ArpSeen arp_until_marker(int sniffer, int port_ifindex, const std::string& ip, const std::string& mac,
                         const std::string& marker_ip) {
  ArpSeen out;
  in_addr own{}, marker{};
  ::inet_pton(AF_INET, ip.c_str(), &own);
  ::inet_pton(AF_INET, marker_ip.c_str(), &marker);
  const auto deadline = Clock::now() + scaled(milliseconds(3000));
  while (!out.marker) {
    pollfd p{sniffer, POLLIN, 0};
    if (::poll(&p, 1, poll_budget_ms(deadline)) <= 0) break;
    uint8_t frame[64];
    sockaddr_ll from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(sniffer, frame, sizeof frame, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 28 || from.sll_protocol != htons(ETH_P_ARP) || from.sll_ifindex != port_ifindex ||
        from.sll_pkttype == PACKET_OUTGOING)
      continue;
    const uint8_t *sha = frame + 8, *spa = frame + 14, *tpa = frame + 24;
    char sha_text[18];
    std::snprintf(sha_text, sizeof sha_text, "%02x:%02x:%02x:%02x:%02x:%02x", sha[0], sha[1], sha[2], sha[3], sha[4], sha[5]);
    if (std::memcmp(tpa, &marker, 4) == 0)
      out.marker = true;
    else if (std::memcmp(spa, &own, 4) == 0 && std::memcmp(tpa, &own, 4) == 0 && mac == sha_text)
      out.gratuitous = true;
  }
  return out;
}

// Reboots the client of a fresh world and reports the ARP its link-up sent.
ArpSeen reboot_and_listen(const CaseSpec& spec, std::string& arp_notify_after) {
  Topology t(topology_options(spec));
  const NetNs& sw = t.switch_host()->ns();
  // ETH_P_ALL: a port's frames go to the bridge before any protocol's own taps see them.
  UniqueFd sniffer = sw.run([] { return UniqueFd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL))); });
  if (!sniffer) throw std::system_error(errno, std::generic_category(), "AF_PACKET socket in the switch");
  t.crash_host(Role::Client);
  Host& h = t.boot_host(Role::Client, true);
  arp_notify_after = h.sysctl().read("net.ipv4.conf.eth0.arp_notify");
  // The marker: a datagram to an address nobody has makes the client ask for it.
  h.ns().run([] {
    UniqueFd u(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    ::inet_pton(AF_INET, "10.77.0.99", &to.sin_addr);
    ::sendto(u.get(), "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  });
  return arp_until_marker(sniffer.get(), t.switch_host()->rtnl().ifindex(Topology::switch_port(Role::Client)),
                          t.address(Role::Client), t.mac(Role::Client), "10.77.0.99");
}
}  // namespace

TEST_F(RebootedHost, GetsTheCasesAndSetsSysctlsBackBeforeItsLinkComesUp) {
  CaseSpec spec = reboot_case(1);
  apply_override(spec, "client.sysctl.net.ipv4.neigh.eth0.mcast_solicit=5");
  std::vector<std::pair<Role, bool>> configured;  // each call: the role, and whether its eth0 was up
  TopologyOptions opts = topology_options(spec);
  auto apply = opts.configure;
  opts.configure = [&](Role r, Host& h) {
    configured.emplace_back(r, h.rtnl().is_up(Host::kIfname));
    apply(r, h);
  };
  Topology t(opts);
  t.crash_host(Role::Client);
  Host& rebooted = t.boot_host(Role::Client, true);
  ASSERT_EQ(configured.size(), 3u);
  EXPECT_EQ(configured[2], std::make_pair(Role::Client, false)) << "configured after its link came up";
  EXPECT_EQ(rebooted.sysctl().read("net.ipv4.conf.eth0.arp_notify"), "1");
  EXPECT_EQ(rebooted.sysctl().read("net.ipv4.neigh.eth0.mcast_solicit"), "5") << "--set lost at the reboot";
  EXPECT_EQ(t.host(Role::Server).sysctl().read("net.ipv4.conf.eth0.arp_notify"), "0") << "leaked to the server";
}

TEST_F(RebootedHost, ArpNotifyOnItMakesItsKernelAnnounceTheNewMacAtLinkUp) {
  std::string value;
  ArpSeen with = reboot_and_listen(reboot_case(1), value);
  ASSERT_TRUE(with.marker) << "the client's ARP for 10.77.0.99 never reached its switch port";
  EXPECT_EQ(value, "1");
  EXPECT_TRUE(with.gratuitous) << "no gratuitous ARP from the rebooted client with arp_notify=1";
  ArpSeen without = reboot_and_listen(reboot_case(0), value);
  ASSERT_TRUE(without.marker);
  EXPECT_EQ(value, "0");
  EXPECT_FALSE(without.gratuitous) << "a gratuitous ARP without arp_notify: something else sent it";
}
