#include "netns/wire/wire_segments.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "netns/neighbour/arp_packets.hpp"
#include "netns/wire/pcap_frames.hpp"

namespace crashlab {

namespace {
constexpr size_t kEthernet = 14;
constexpr uint8_t kTcp = 6;

uint16_t be16(std::string_view b, size_t at) {
  uint16_t v;
  std::memcpy(&v, b.data() + at, 2);
  return ntohs(v);
}

std::string address(int family, std::string_view b, size_t at) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family, b.data() + at, text, sizeof text);
  return text;
}

// The IP header's end (where TCP starts) and the addresses, or 0 for what is not TCP.
size_t tcp_of_frame(std::string_view f, WireSegment& s) {
  if (f.size() < kEthernet + 40) return 0;
  const uint16_t type = be16(f, 12);
  const size_t ip = kEthernet;
  if (type == 0x0800) {
    const size_t header = size_t(uint8_t(f[ip]) & 0x0f) * 4;
    if ((uint8_t(f[ip]) >> 4) != 4 || header < 20 || uint8_t(f[ip + 9]) != kTcp) return 0;
    s.saddr = address(AF_INET, f, ip + 12);
    s.daddr = address(AF_INET, f, ip + 16);
    return ip + header;
  }
  if (type == 0x86dd && uint8_t(f[ip + 6]) == kTcp) {
    s.saddr = address(AF_INET6, f, ip + 8);
    s.daddr = address(AF_INET6, f, ip + 24);
    return ip + 40;
  }
  return 0;
}
}  // namespace

std::vector<WireSegment> parse_pcap_tcp(std::string_view bytes, int64_t realtime_minus_monotonic_ns) {
  std::vector<WireSegment> out;
  for_each_pcap_frame(bytes, realtime_minus_monotonic_ns, [&](int64_t t_ns, std::string_view frame) {
    WireSegment s;
    const size_t tcp = tcp_of_frame(frame, s);
    if (tcp == 0 || frame.size() < tcp + 4) return;  // the ports, at least
    s.t_ns = t_ns;
    s.sport = be16(frame, tcp);
    s.dport = be16(frame, tcp + 2);
    out.push_back(std::move(s));
  });
  return out;
}

std::vector<WireSegment> read_wire_segments(const std::filesystem::path& pcap) {
  return parse_pcap_tcp(read_pcap_bytes(pcap), realtime_minus_monotonic_ns());
}

}  // namespace crashlab
