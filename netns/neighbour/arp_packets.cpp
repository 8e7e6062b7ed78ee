#include "netns/neighbour/arp_packets.hpp"

#include <arpa/inet.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "netns/neighbour/neighbour_event.hpp"
#include "netns/wire/pcap_frames.hpp"

namespace crashlab {

namespace {
constexpr size_t kEthernet = 14, kArp = 28;
constexpr uint16_t kEtherTypeArp = 0x0806, kEtherTypeIpv6 = 0x86dd;

uint16_t be16(std::string_view b, size_t at) {
  uint16_t v;
  std::memcpy(&v, b.data() + at, 2);
  return ntohs(v);
}

std::string ipv4_text(std::string_view b, size_t at) {
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, b.data() + at, text, sizeof text);
  return text;
}

std::string mac_at(std::string_view b, size_t at) { return mac_text(reinterpret_cast<const uint8_t*>(b.data() + at), 6); }

// An Ethernet frame carrying IPv4-over-Ethernet ARP, or false.
bool arp_of_frame(std::string_view f, ArpPacket& p) {
  if (f.size() < kEthernet + kArp || be16(f, 12) != kEtherTypeArp) return false;
  const size_t a = kEthernet;
  if (be16(f, a) != 1 || be16(f, a + 2) != 0x0800 || uint8_t(f[a + 4]) != 6 || uint8_t(f[a + 5]) != 4) return false;
  const uint16_t op = be16(f, a + 6);
  if (op != 1 && op != 2) return false;
  p.reply = op == 2;
  p.eth_dst = mac_at(f, 0);
  p.sender_mac = mac_at(f, a + 8);
  p.sender_ip = ipv4_text(f, a + 14);
  p.target_mac = mac_at(f, a + 18);
  p.target_ip = ipv4_text(f, a + 24);
  return true;
}
std::string ipv6_text(std::string_view b, size_t at) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, b.data() + at, text, sizeof text);
  return text;
}

// An Ethernet frame carrying a Neighbor Solicitation or Advertisement (ICMPv6 right
// after the IPv6 header, as the kernel sends them), or false.
bool ndp_of_frame(std::string_view f, ArpPacket& p) {
  constexpr size_t ip = kEthernet, icmp = kEthernet + 40, options = icmp + 24;
  constexpr uint8_t kIcmpv6 = 58, kSolicitation = 135, kAdvertisement = 136;
  constexpr uint8_t kSourceLinkAddress = 1, kTargetLinkAddress = 2, kSolicitedFlag = 0x40;
  if (f.size() < options || be16(f, 12) != kEtherTypeIpv6 || uint8_t(f[ip + 6]) != kIcmpv6) return false;
  const uint8_t type = uint8_t(f[icmp]);
  if ((type != kSolicitation && type != kAdvertisement) || f[icmp + 1] != 0) return false;  // code 0
  // The IPv6 payload's own length bounds the options (a frame may carry padding).
  const size_t end = std::min(f.size(), icmp + be16(f, ip + 4));
  if (end < options) return false;
  p.ndp = true;
  p.reply = type == kAdvertisement;
  p.solicited = p.reply && (uint8_t(f[icmp + 4]) & kSolicitedFlag);
  p.eth_dst = mac_at(f, 0);
  const std::string source = ipv6_text(f, ip + 8), destination = ipv6_text(f, ip + 24), target = ipv6_text(f, icmp + 8);
  p.sender_ip = p.reply ? target : source;
  p.target_ip = p.reply ? destination : target;
  p.sender_mac = mac_at(f, 6);  // unless an option names it
  for (size_t at = options; at + 8 <= end && f[at + 1] != 0; at += size_t(uint8_t(f[at + 1])) * 8)
    if (uint8_t(f[at]) == (p.reply ? kTargetLinkAddress : kSourceLinkAddress)) p.sender_mac = mac_at(f, at + 2);
  return true;
}
}  // namespace

std::vector<ArpPacket> parse_pcap_arp(std::string_view b, int64_t realtime_minus_monotonic_ns) {
  std::vector<ArpPacket> out;
  for_each_pcap_frame(b, realtime_minus_monotonic_ns, [&](int64_t t_ns, std::string_view frame) {
    ArpPacket p;
    if (arp_of_frame(frame, p) || ndp_of_frame(frame, p)) {
      p.t_ns = t_ns;
      out.push_back(std::move(p));
    }
  });
  return out;
}

int64_t realtime_minus_monotonic_ns() {
  auto ns = [](clockid_t c) {
    timespec ts{};
    clock_gettime(c, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  };
  int64_t best = 0, spread = std::numeric_limits<int64_t>::max();
  for (int i = 0; i < 5; ++i) {
    const int64_t m0 = ns(CLOCK_MONOTONIC), r = ns(CLOCK_REALTIME), m1 = ns(CLOCK_MONOTONIC);
    if (m1 - m0 < spread) {
      spread = m1 - m0;
      best = r - (m0 + (m1 - m0) / 2);
    }
  }
  return best;
}

std::vector<ArpPacket> read_arp_packets(const std::filesystem::path& pcap) {
  return parse_pcap_arp(read_pcap_bytes(pcap), realtime_minus_monotonic_ns());
}

}  // namespace crashlab
