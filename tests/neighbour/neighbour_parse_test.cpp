// The neighbour monitor's message decoder and the capture's ARP reader, on bytes
// built by hand as the kernel and tcpdump write them. Pure: no privileges.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <vector>

#include "netns/neighbour/arp_packets.hpp"
#include "netns/neighbour/neighbour_event.hpp"

using namespace crashlab;

namespace {
// An RTM_*NEIGH message: ndmsg, then NDA_DST and (if given) NDA_LLADDR.
std::vector<char> neigh_message(uint16_t type, int family, uint16_t state, const std::string& dst,
                                const std::vector<uint8_t>& lladdr) {
  std::vector<char> buf(512, 0);
  auto* h = reinterpret_cast<nlmsghdr*>(buf.data());
  h->nlmsg_type = type;
  h->nlmsg_len = NLMSG_LENGTH(sizeof(ndmsg));
  auto* nd = static_cast<ndmsg*>(NLMSG_DATA(h));
  nd->ndm_family = uint8_t(family);
  nd->ndm_ifindex = 2;
  nd->ndm_state = state;
  auto add = [&](uint16_t attr, const void* data, size_t n) {
    auto* a = reinterpret_cast<rtattr*>(buf.data() + NLMSG_ALIGN(h->nlmsg_len));
    a->rta_type = attr;
    a->rta_len = uint16_t(RTA_LENGTH(n));
    std::memcpy(RTA_DATA(a), data, n);
    h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
  };
  uint8_t addr[16];
  ::inet_pton(family, dst.c_str(), addr);
  add(NDA_DST, addr, family == AF_INET ? 4 : 16);
  if (!lladdr.empty()) add(NDA_LLADDR, lladdr.data(), lladdr.size());
  buf.resize(h->nlmsg_len);
  return buf;
}

const std::vector<uint8_t> kMac = {0x02, 0xcc, 0x00, 0x02, 0x00, 0x00};

std::optional<NeighbourEvent> parse(const std::vector<char>& m) {
  return parse_neighbour_message(reinterpret_cast<const nlmsghdr*>(m.data()), m.size(), 42);
}

// A pcap file: global header, then one record per frame, all in `big_endian` order.
struct Pcap {
  bool big_endian = false, nano = false;
  std::string bytes;
  void u32(uint32_t v) {
    if (big_endian) v = htonl(v);
    bytes.append(reinterpret_cast<const char*>(&v), 4);
  }
  void u16(uint16_t v) {
    if (big_endian) v = htons(v);
    bytes.append(reinterpret_cast<const char*>(&v), 2);
  }
  Pcap(bool be, bool ns, uint32_t link = 1) : big_endian(be), nano(ns) {
    u32(ns ? 0xa1b23c4d : 0xa1b2c3d4);
    u16(2), u16(4), u32(0), u32(0), u32(65535), u32(link);
  }
  void frame(uint32_t sec, uint32_t frac, const std::string& f) {
    u32(sec), u32(frac), u32(uint32_t(f.size())), u32(uint32_t(f.size()));
    bytes += f;
  }
};

// "02:cc:00:01:00:00" as its six bytes.
std::string mac(const std::string& text) {
  unsigned b[6];
  std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
  std::string out;
  for (unsigned x : b) out += char(x);
  return out;
}

std::string arp_frame(uint16_t op, const std::string& eth_dst, const std::string& sha, const std::string& spa,
                      const std::string& tha, const std::string& tpa) {
  auto ip = [](const std::string& text) {
    in_addr a{};
    ::inet_pton(AF_INET, text.c_str(), &a);
    return std::string(reinterpret_cast<const char*>(&a), 4);
  };
  auto be16 = [](uint16_t v) { return std::string{char(v >> 8), char(v & 0xff)}; };
  return mac(eth_dst) + mac(sha) + be16(0x0806) + be16(1) + be16(0x0800) + char(6) + char(4) + be16(op) + mac(sha) +
         ip(spa) + mac(tha) + ip(tpa);
}
// An Ethernet frame with IPv6 and a Neighbor Solicitation (type 135, source link-layer
// option) or Advertisement (136, target link-layer option, `flags` R/S/O).
std::string ndp_frame(uint8_t type, uint8_t flags, const std::string& eth_dst, const std::string& eth_src,
                      const std::string& src, const std::string& dst, const std::string& target, const std::string& option_mac) {
  auto ip6 = [](const std::string& text) {
    in6_addr a{};
    ::inet_pton(AF_INET6, text.c_str(), &a);
    return std::string(reinterpret_cast<const char*>(&a), 16);
  };
  const std::string icmp = std::string{char(type), 0, 0, 0, char(flags), 0, 0, 0} + ip6(target) +
                           std::string{char(type == 135 ? 1 : 2), 1} + mac(option_mac);
  const std::string ipv6 = std::string{0x60, 0, 0, 0, 0, char(icmp.size()), 58, char(255)} + ip6(src) + ip6(dst);
  return mac(eth_dst) + mac(eth_src) + std::string{char(0x86), char(0xdd)} + ipv6 + icmp;
}
}  // namespace

TEST(NeighbourMessage, ANewIpv4EntryWithItsStateAndMac) {
  auto e = parse(neigh_message(RTM_NEWNEIGH, AF_INET, NUD_STALE, "10.77.0.2", kMac));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, NeighbourEvent::Kind::Changed);
  EXPECT_EQ(e->address, "10.77.0.2");
  EXPECT_EQ(e->lladdr, "02:cc:00:02:00:00");
  EXPECT_EQ(e->state, NudState::Stale);
  EXPECT_EQ(e->ifindex, 2);
  EXPECT_EQ(e->t_ns, 42);
}

TEST(NeighbourMessage, AFailedIpv6EntryWithoutMacAndADeletion) {
  auto failed = parse(neigh_message(RTM_NEWNEIGH, AF_INET6, NUD_FAILED, "fd00:77::2", {}));
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->address, "fd00:77::2");
  EXPECT_EQ(failed->lladdr, "");
  EXPECT_EQ(failed->state, NudState::Failed);
  auto gone = parse(neigh_message(RTM_DELNEIGH, AF_INET, NUD_REACHABLE, "10.77.0.1", kMac));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->kind, NeighbourEvent::Kind::Deleted);
}

TEST(NeighbourMessage, OtherMessagesFamiliesAndTruncatedOnesAreNotEvents) {
  EXPECT_FALSE(parse(neigh_message(RTM_NEWROUTE, AF_INET, NUD_STALE, "10.77.0.2", kMac)));
  auto bridge = neigh_message(RTM_NEWNEIGH, AF_INET, NUD_STALE, "10.77.0.2", kMac);
  static_cast<ndmsg*>(NLMSG_DATA(reinterpret_cast<nlmsghdr*>(bridge.data())))->ndm_family = AF_BRIDGE;
  EXPECT_FALSE(parse(bridge));
  auto m = neigh_message(RTM_NEWNEIGH, AF_INET, NUD_STALE, "10.77.0.2", kMac);
  EXPECT_FALSE(parse_neighbour_message(reinterpret_cast<const nlmsghdr*>(m.data()), m.size() - 4, 0));
}

TEST(NudState, NamesAndKernelBitsRoundTrip) {
  for (NudState s : {NudState::Incomplete, NudState::Reachable, NudState::Stale, NudState::Delay, NudState::Probe,
                     NudState::Failed, NudState::NoArp, NudState::Permanent}) {
    EXPECT_EQ(nud_state_from_kernel(nud_state_to_kernel(s)), s) << nud_state_name(s);
    EXPECT_EQ(nud_state_from_name(nud_state_name(s)), s);
  }
  EXPECT_EQ(nud_state_from_kernel(NUD_NONE), NudState::None);
  EXPECT_FALSE(nud_state_from_name("reachable"));
}

TEST(PcapArp, RequestsRepliesAndGratuitousFramesInEitherByteOrder) {
  for (bool big_endian : {false, true}) {
    Pcap p(big_endian, false);
    p.frame(100, 250000, arp_frame(1, "ff:ff:ff:ff:ff:ff", "02:cc:00:01:00:00", "10.77.0.1", "00:00:00:00:00:00", "10.77.0.2"));
    p.frame(100, 500000, std::string(60, '\0'));  // not ARP: skipped
    p.frame(101, 0, arp_frame(2, "02:cc:00:01:00:00", "02:cc:00:02:00:00", "10.77.0.2", "02:cc:00:01:00:00", "10.77.0.1"));
    p.frame(102, 0, arp_frame(1, "ff:ff:ff:ff:ff:ff", "02:cc:00:02:00:01", "10.77.0.2", "00:00:00:00:00:00", "10.77.0.2"));
    const auto arp = parse_pcap_arp(p.bytes, 90'000'000'000);
    ASSERT_EQ(arp.size(), 3u) << "big endian: " << big_endian;
    EXPECT_EQ(arp[0].t_ns, 10'250'000'000);  // 100.25 s realtime, 90 s ahead of monotonic
    EXPECT_FALSE(arp[0].reply);
    EXPECT_TRUE(arp[0].broadcast());
    EXPECT_EQ(arp[0].sender_ip, "10.77.0.1");
    EXPECT_EQ(arp[0].target_ip, "10.77.0.2");
    EXPECT_TRUE(arp[1].reply);
    EXPECT_EQ(arp[1].sender_mac, "02:cc:00:02:00:00");
    EXPECT_EQ(arp[1].eth_dst, "02:cc:00:01:00:00");
    EXPECT_FALSE(arp[1].gratuitous());
    EXPECT_TRUE(arp[2].gratuitous());
  }
}

TEST(PcapArp, NanosecondTimesAndACutLastRecord) {
  Pcap p(false, true);
  p.frame(5, 123456789, arp_frame(1, "02:cc:00:02:00:00", "02:cc:00:01:00:00", "10.77.0.1", "00:00:00:00:00:00", "10.77.0.2"));
  p.frame(6, 0, arp_frame(1, "ff:ff:ff:ff:ff:ff", "02:cc:00:01:00:00", "10.77.0.1", "00:00:00:00:00:00", "10.77.0.2"));
  p.bytes.resize(p.bytes.size() - 10);  // tcpdump killed while writing
  const auto arp = parse_pcap_arp(p.bytes, 0);
  ASSERT_EQ(arp.size(), 1u);
  EXPECT_EQ(arp[0].t_ns, 5'123'456'789);
  EXPECT_FALSE(arp[0].broadcast());  // a unicast probe
}

TEST(PcapArp, WhatIsNotAnEthernetPcapIsAnError) {
  EXPECT_THROW(parse_pcap_arp("short", 0), std::runtime_error);
  EXPECT_THROW(parse_pcap_arp(std::string(24, 'x'), 0), std::runtime_error);
  EXPECT_THROW(parse_pcap_arp(Pcap(false, false, 113).bytes, 0), std::runtime_error);  // Linux cooked capture
  EXPECT_TRUE(parse_pcap_arp(Pcap(false, false).bytes, 0).empty());
}

TEST(PcapNdp, SolicitationsAndAdvertisementsInArpsTerms) {
  Pcap p(false, false);
  p.frame(1, 0, ndp_frame(135, 0, "33:33:ff:00:00:02", "02:cc:00:01:00:00", "fd00:77::1", "ff02::1:ff00:2", "fd00:77::2",
                          "02:cc:00:01:00:00"));
  p.frame(2, 0, ndp_frame(136, 0x60, "02:cc:00:01:00:00", "02:cc:00:02:00:00", "fd00:77::2", "fd00:77::1", "fd00:77::2",
                          "02:cc:00:02:00:00"));
  // The option, not the frame's source, names the advertised MAC (a proxy may send it).
  p.frame(3, 0, ndp_frame(136, 0x20, "33:33:00:00:00:01", "02:cc:00:99:00:99", "fd00:77::2", "ff02::1", "fd00:77::2",
                          "02:cc:00:02:00:01"));
  p.frame(4, 0, arp_frame(1, "ff:ff:ff:ff:ff:ff", "02:cc:00:01:00:00", "10.77.0.1", "00:00:00:00:00:00", "10.77.0.2"));
  const auto seen = parse_pcap_arp(p.bytes, 0);
  ASSERT_EQ(seen.size(), 4u);
  const ArpPacket &ns = seen[0], &answer = seen[1], &unsolicited = seen[2];
  EXPECT_TRUE(ns.ndp);
  EXPECT_FALSE(ns.reply);
  EXPECT_TRUE(ns.broadcast());  // to the solicited-node multicast group
  EXPECT_EQ(ns.sender_ip, "fd00:77::1");
  EXPECT_EQ(ns.target_ip, "fd00:77::2");
  EXPECT_FALSE(ns.gratuitous());
  EXPECT_TRUE(answer.reply);
  EXPECT_TRUE(answer.solicited);
  EXPECT_EQ(answer.sender_ip, "fd00:77::2");
  EXPECT_EQ(answer.sender_mac, "02:cc:00:02:00:00");
  EXPECT_FALSE(answer.gratuitous());  // its source is its target, as every answer's is
  EXPECT_TRUE(unsolicited.gratuitous());
  EXPECT_EQ(unsolicited.sender_mac, "02:cc:00:02:00:01");  // from the option
  EXPECT_EQ(unsolicited.target_ip, "ff02::1");
  EXPECT_FALSE(seen[3].ndp);
}

TEST(PcapNdp, WithoutAnOptionTheFramesSourceAndBrokenOptionsEndTheWalk) {
  const std::string full = ndp_frame(136, 0x20, "33:33:00:00:00:01", "02:cc:00:02:00:07", "fd00:77::2", "ff02::1",
                                     "fd00:77::2", "02:cc:00:02:00:01");
  auto with_payload = [](std::string f, size_t payload) {
    f[14 + 4] = char(payload >> 8), f[14 + 5] = char(payload & 0xff);
    return f;
  };
  Pcap p(false, false);
  p.frame(1, 0, with_payload(full.substr(0, full.size() - 8), 24));  // no option: the frame's source
  std::string zero_length = full;
  zero_length[full.size() - 7] = 0;  // an option of length 0 ends the walk, as the kernel's does
  p.frame(2, 0, zero_length);
  p.frame(3, 0, full.substr(0, 14 + 40 + 10));  // cut inside the ICMPv6 message: not NDP
  std::string padded = with_payload(full.substr(0, full.size() - 8), 24) + std::string(8, '\x02');
  p.frame(4, 0, padded);  // bytes past the payload's length are padding, not an option
  const auto seen = parse_pcap_arp(p.bytes, 0);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].sender_mac, "02:cc:00:02:00:07");
  EXPECT_EQ(seen[1].sender_mac, "02:cc:00:02:00:07");
  EXPECT_EQ(seen[2].sender_mac, "02:cc:00:02:00:07");
}
