#include "netns/link/unsolicited_na.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <stdexcept>

#include "netns/link/interface_mac.hpp"
#include "netns/sys/errors.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab {

namespace {
struct Advertisement {
  nd_neighbor_advert na;
  nd_opt_hdr option;  // the target's link-layer address: type 2, 8 bytes in all
  uint8_t mac[6];
} __attribute__((packed));
}  // namespace

void send_unsolicited_na(const NetNs& ns, const std::string& ifname, const std::string& ipv6) {
  in6_addr target{};
  if (::inet_pton(AF_INET6, ipv6.c_str(), &target) != 1)
    throw std::invalid_argument("an unsolicited neighbour advertisement needs an IPv6 address, got '" + ipv6 + "'");
  ns.run([&] {
    UniqueFd fd(::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6));
    if (!fd) throw_errno("socket(AF_INET6, SOCK_RAW, ICMPv6) for a neighbour advertisement");
    Advertisement ad{};
    const auto mac = interface_mac(fd.get(), ifname);
    std::memcpy(ad.mac, mac.data(), mac.size());
    const unsigned index = ::if_nametoindex(ifname.c_str());
    if (index == 0) throw_errno("if_nametoindex " + ifname);
    // A receiver drops neighbour discovery that a router could have forwarded.
    const int hops = 255;
    if (::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) != 0 ||
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index) != 0)
      throw_errno("setting up the neighbour advertisement's socket on " + ifname);
    // From the announced address itself (the link-local one may still be tentative).
    sockaddr_in6 from{};
    from.sin6_family = AF_INET6;
    from.sin6_addr = target;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) throw_errno("binding to " + ipv6);
    ad.na.nd_na_type = ND_NEIGHBOR_ADVERT;
    ad.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;  // not solicited: nobody asked
    ad.na.nd_na_target = target;
    ad.option.nd_opt_type = ND_OPT_TARGET_LINKADDR;
    ad.option.nd_opt_len = 1;  // in units of 8 bytes
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    to.sin6_scope_id = index;
    ::inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
    // The kernel fills in the ICMPv6 checksum of a raw ICMPv6 socket.
    if (::sendto(fd.get(), &ad, sizeof ad, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) != ssize_t(sizeof ad))
      throw_errno("sending a neighbour advertisement on " + ifname);
  });
}

}  // namespace crashlab
