// TCP segments read from a capture: IPv4 and IPv6, anything else left out. Pure.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "netns/wire/wire_segments.hpp"

using namespace crashlab;

namespace {
std::string be16(uint16_t v) { return {char(v >> 8), char(v & 0xff)}; }
std::string le32(uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }

std::string ip_bytes(int family, const std::string& text) {
  unsigned char a[16] = {};
  ::inet_pton(family, text.c_str(), a);
  return std::string(reinterpret_cast<const char*>(a), family == AF_INET ? 4 : 16);
}

// Ethernet + IPv4 (20-byte header) or IPv6 + a transport header starting with the ports.
std::string frame(int family, uint8_t protocol, const std::string& src, const std::string& dst, uint16_t sport,
                  uint16_t dport) {
  const std::string ports = be16(sport) + be16(dport) + std::string(16, '\0');
  std::string ip;
  if (family == AF_INET)
    ip = std::string{0x45, 0, 0, 40, 0, 0, 0, 0, 64, char(protocol), 0, 0} + ip_bytes(AF_INET, src) + ip_bytes(AF_INET, dst);
  else
    ip = std::string{0x60, 0, 0, 0, 0, 20, char(protocol), 64} + ip_bytes(AF_INET6, src) + ip_bytes(AF_INET6, dst);
  return std::string(12, '\x02') + be16(family == AF_INET ? 0x0800 : 0x86dd) + ip + ports;
}

std::string pcap(const std::vector<std::pair<uint32_t, std::string>>& frames) {
  std::string b = le32(0xa1b2c3d4) + std::string{2, 0, 4, 0} + le32(0) + le32(0) + le32(65535) + le32(1);
  for (const auto& [sec, f] : frames) b += le32(sec) + le32(0) + le32(uint32_t(f.size())) + le32(uint32_t(f.size())) + f;
  return b;
}
}  // namespace

TEST(WireSegments, TcpInBothFamiliesWithTheirPortsAndTimes) {
  const auto seen = parse_pcap_tcp(pcap({{1, frame(AF_INET, 6, "10.77.0.1", "10.77.0.2", 30000, 40000)},
                                         {2, frame(AF_INET, 17, "10.77.0.1", "10.77.0.2", 53, 53)},  // UDP
                                         {3, frame(AF_INET6, 6, "fd00:77::2", "fd00:77::1", 40000, 30000)},
                                         {4, frame(AF_INET6, 58, "fd00:77::2", "ff02::1", 0, 0)}}),  // ICMPv6
                                   0);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].t_ns, 1'000'000'000);
  EXPECT_EQ(seen[0].saddr, "10.77.0.1");
  EXPECT_EQ(seen[0].sport, 30000);
  EXPECT_EQ(seen[0].dport, 40000);
  EXPECT_EQ(seen[1].saddr, "fd00:77::2");
  EXPECT_EQ(seen[1].daddr, "fd00:77::1");
  EXPECT_EQ(seen[1].sport, 40000);
}

TEST(WireSegments, AFrameCutBeforeItsPortsIsLeftOut) {
  const std::string whole = frame(AF_INET, 6, "10.77.0.1", "10.77.0.2", 30000, 40000);
  EXPECT_TRUE(parse_pcap_tcp(pcap({{1, whole.substr(0, 14 + 20 + 2)}}), 0).empty());
  EXPECT_THROW(parse_pcap_tcp("not a capture", 0), std::runtime_error);
}
