#include "netns/link/gratuitous_arp.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>
#include <stdexcept>

#include "netns/link/interface_mac.hpp"
#include "netns/sys/errors.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab {

namespace {
struct ArpPayload {  // RFC 826 for Ethernet/IPv4
  uint16_t htype, ptype;
  uint8_t hlen, plen;
  uint16_t op;
  uint8_t sha[6], spa[4], tha[6], tpa[4];
} __attribute__((packed));
}  // namespace

void send_gratuitous_arp(const NetNs& ns, const std::string& ifname, const std::string& ipv4) {
  in_addr ip{};
  if (::inet_pton(AF_INET, ipv4.c_str(), &ip) != 1)
    throw std::invalid_argument("gratuitous ARP needs an IPv4 address, got '" + ipv4 + "'");
  ns.run([&] {
    UniqueFd fd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP)));
    if (!fd) throw_errno("socket(AF_PACKET) for a gratuitous ARP");
    ArpPayload arp{};
    const auto mac = interface_mac(fd.get(), ifname);
    std::memcpy(arp.sha, mac.data(), mac.size());
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
    if (::ioctl(fd.get(), SIOCGIFINDEX, &ifr) != 0) throw_errno("SIOCGIFINDEX " + ifname);
    arp.htype = htons(ARPHRD_ETHER);
    arp.ptype = htons(ETH_P_IP);
    arp.hlen = 6;
    arp.plen = 4;
    arp.op = htons(ARPOP_REQUEST);
    std::memcpy(arp.spa, &ip, 4);
    std::memcpy(arp.tpa, &ip, 4);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ARP);
    to.sll_ifindex = ifr.ifr_ifindex;
    to.sll_halen = 6;
    std::memset(to.sll_addr, 0xff, 6);
    if (::sendto(fd.get(), &arp, sizeof arp, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) != ssize_t(sizeof arp))
      throw_errno("sending a gratuitous ARP on " + ifname);
  });
}

}  // namespace crashlab
