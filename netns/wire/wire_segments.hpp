#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace crashlab {

// One TCP segment of a packet capture (Ethernet, IPv4 or IPv6 without extension
// headers): what reached the wire where the capture listened.
struct WireSegment {
  int64_t t_ns = 0;  // CLOCK_MONOTONIC
  std::string saddr, daddr;
  uint16_t sport = 0, dport = 0;
};

// The TCP segments of a pcap file's bytes (for_each_pcap_frame() says which files). Pure.
std::vector<WireSegment> parse_pcap_tcp(std::string_view bytes, int64_t realtime_minus_monotonic_ns);
// The same from a file, with the clocks' offset measured now.
std::vector<WireSegment> read_wire_segments(const std::filesystem::path& pcap);

}  // namespace crashlab
