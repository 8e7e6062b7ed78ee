#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace crashlab {

// One neighbour-resolution frame from a packet capture: ARP (Ethernet, RFC 826 for
// IPv4) or IPv6's Neighbor Discovery (RFC 4861), in ARP's terms. A solicitation is a
// request: "who has target_ip, tell sender_ip"; an advertisement a reply: sender_ip
// (the address advertised) is at sender_mac, sent to target_ip.
struct ArpPacket {
  int64_t t_ns = 0;  // CLOCK_MONOTONIC (the capture's wall-clock time moved onto it)
  bool ndp = false;  // a Neighbor Solicitation or Advertisement; otherwise ARP
  bool reply = false;                    // ARP op 2, an advertisement; otherwise a request, a solicitation
  bool solicited = false;                // an advertisement's S flag: the answer to a solicitation
  std::string eth_dst;                   // "ff:ff:ff:ff:ff:ff" for a broadcast
  std::string sender_mac, sender_ip, target_mac, target_ip;

  bool broadcast() const { return eth_dst == "ff:ff:ff:ff:ff:ff" || eth_dst.rfind("33:33:", 0) == 0; }
  // ARP about the sender's own address (sender IP == target IP); an advertisement nobody asked for.
  bool gratuitous() const { return ndp ? reply && !solicited : sender_ip == target_ip; }
};

// The ARP and Neighbor Discovery frames of a pcap file's bytes (either byte order, micro- or nanosecond
// timestamps, link type Ethernet). Packet times are CLOCK_REALTIME; minus
// `realtime_minus_monotonic_ns` they are on CLOCK_MONOTONIC. Throws
// std::runtime_error for what is not such a file; a truncated last record is
// ignored (a runner killed mid-write). Pure.
std::vector<ArpPacket> parse_pcap_arp(std::string_view bytes, int64_t realtime_minus_monotonic_ns);

// The same from a file, with the clocks' offset measured now.
std::vector<ArpPacket> read_arp_packets(const std::filesystem::path& pcap);

// CLOCK_REALTIME minus CLOCK_MONOTONIC, from the closest-spaced of a few readings.
int64_t realtime_minus_monotonic_ns();

}  // namespace crashlab
