// PacketCapture: a capture in a test namespace, its .pcap, its errors, and that it
// leaves nothing behind. As root and under `unshare -Urn` alike: a packet socket needs
// CAP_NET_RAW only in the namespace's own user namespace, which its creator has.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "fixtures/connected_pair.hpp"
#include "fixtures/privilege.hpp"
#include "fixtures/waits.hpp"
#include "netns/sys/clock.hpp"
#include "netns/wire/packet_capture.hpp"
#include "netns/observe/diag/sock_diag.hpp"
#include "netns/wire/tcp_state.hpp"
#include "netns/topology/topology.hpp"

using namespace crashlab;
namespace fs = std::filesystem;

namespace {
constexpr uint8_t kFin = 0x01, kSyn = 0x02, kAck = 0x10;

struct Segment {
  uint16_t sport, dport;
  uint8_t flags;
  size_t payload;
  int64_t wall_ns;  // the record's timestamp: CLOCK_REALTIME, nanoseconds
};
struct Pcap {
  uint32_t magic = 0, snaplen = 0, linktype = 0;
  uint64_t records = 0;
  std::vector<Segment> tcp;  // IPv4 TCP only
  size_t count(uint16_t sport, uint16_t dport, uint8_t flags) const {
    return size_t(std::count_if(tcp.begin(), tcp.end(), [&](const Segment& s) {
      return (!sport || s.sport == sport) && (!dport || s.dport == dport) && (s.flags & (kSyn | kAck | kFin)) == flags;
    }));
  }
};

// The classic pcap format with nanosecond timestamps, written by this host in its own
// byte order.
Pcap read_pcap(const fs::path& file) {
  std::ifstream f(file, std::ios::binary);
  std::string d((std::istreambuf_iterator<char>(f)), {});
  Pcap p;
  if (d.size() < 24) return p;
  auto u8 = [&](size_t o) { return uint8_t(d[o]); };
  auto u32 = [&](size_t o) {
    uint32_t v;
    std::memcpy(&v, d.data() + o, 4);
    return v;
  };
  auto be16 = [&](size_t o) { return uint16_t(u8(o) << 8 | u8(o + 1)); };
  p.magic = u32(0), p.snaplen = u32(16), p.linktype = u32(20);
  for (size_t o = 24; o + 16 <= d.size();) {
    const int64_t wall_ns = int64_t(u32(o)) * 1'000'000'000 + int64_t(u32(o + 4));
    const size_t len = u32(o + 8), eth = o + 16;
    o = eth + len;
    if (o > d.size()) break;
    ++p.records;
    if (len < 34 || be16(eth + 12) != 0x0800 || u8(eth + 23) != 6) continue;
    const size_t ip = eth + 14, ihl = (u8(ip) & 0xf) * 4u, tcp = ip + ihl;
    if (tcp + 14 > o) continue;
    p.tcp.push_back({be16(tcp), be16(tcp + 2), u8(tcp + 13), be16(ip + 2) - ihl - (u8(tcp + 12) >> 4) * 4u, wall_ns});
  }
  return p;
}

size_t entries_in(const char* dir) {
  std::error_code ec;
  return size_t(std::distance(fs::directory_iterator(dir, ec), fs::directory_iterator()));
}

class Capture : public NamespaceTest {
 protected:
  void SetUp() override {
    NamespaceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::string tmpl = testing::TempDir() + "crashlab-pcap.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path dir_;
};

}  // namespace

TEST_F(Capture, RecordsTheHandshakeTheDataAndBothFins) {
  constexpr uint16_t port = 7101;
  Topology t({});
  const fs::path file = dir_ / "server.pcap";
  auto cap = std::make_unique<PacketCapture>(t.host(Role::Server).ns(), "eth0", "tcp port 7101 or arp or icmp", file);
  ASSERT_TRUE(cap->running());
  {
    ConnectedPair c(t, port);
    c.server.expect(AppEventKind::Ok, c.server.set_reading(true));
    c.client.expect(AppEventKind::Sent, c.client.send(100));
    c.server.wait_for([](const AppEvent& e) { return e.total >= 100; }, "100 bytes", scaled(milliseconds(3000)));
    c.client.expect(AppEventKind::Closed, c.client.close());
    c.server.wait_for(AppEventKind::Eof, scaled(milliseconds(3000)));
    c.server.expect(AppEventKind::Closed, c.server.close());
    // The client's last ACK has reached the server once its socket leaves LAST_ACK.
    SockDiag diag(t.host(Role::Server).ns());
    std::string seen;
    ASSERT_TRUE(waitUntil(
        [&] {
          seen.clear();
          for (const auto& e : diag.dump(port)) seen += tcp_state_name(e.state) + " ";
          return seen.find("LAST_ACK") == std::string::npos;
        },
        "the server's socket to leave LAST_ACK", scaled(milliseconds(3000)), [&] { return seen; }));
  }
  const uint64_t captured = cap->stop();
  EXPECT_FALSE(cap->running());
  EXPECT_EQ(cap->stop(), captured) << "a second stop() reports the same count";
  EXPECT_EQ(cap->missed(), 0u) << "packets passed the filter but are not in the file";

  const Pcap p = read_pcap(file);
  EXPECT_EQ(p.magic, 0xa1b23c4du) << "not a nanosecond pcap file in this host's byte order";
  EXPECT_EQ(p.linktype, 1u) << "not Ethernet";
  EXPECT_EQ(p.snaplen, 200u);
  EXPECT_EQ(p.records, captured) << "the count stop() returned and the file disagree";
  EXPECT_EQ(p.count(0, port, kSyn), 1u) << "SYN";
  EXPECT_EQ(p.count(port, 0, kSyn | kAck), 1u) << "SYN-ACK";
  size_t to_server = 0;
  for (const auto& s : p.tcp)
    if (s.dport == port) to_server += s.payload;
  EXPECT_EQ(to_server, 100u) << "payload toward the server";
  EXPECT_EQ(p.count(0, port, kFin | kAck), 1u) << "the client's FIN";
  EXPECT_EQ(p.count(port, 0, kFin | kAck), 1u) << "the server's FIN";

  cap->discard();
  EXPECT_FALSE(fs::exists(file));
}

// Results are on CLOCK_MONOTONIC, captures on the wall clock; the offset the result
// records (fault.wall_t) must put a packet where the endpoint saw it happen.
TEST_F(Capture, TheClockOffsetPutsAPacketWhereTheSenderSawIt) {
  constexpr uint16_t port = 7103;
  Topology t({});
  auto cap = std::make_unique<PacketCapture>(t.host(Role::Server).ns(), "eth0", "tcp port 7103", dir_ / "offset.pcap");
  ConnectedPair c(t, port);
  c.server.expect(AppEventKind::Ok, c.server.set_reading(true));
  const int64_t offset = realtime_minus_monotonic_ns();
  const int64_t before = monotonic_ns();
  const AppEvent sent = c.client.expect(AppEventKind::Sent, c.client.send(100));
  c.server.wait_for([](const AppEvent& e) { return e.total >= 100; }, "100 bytes", scaled(milliseconds(3000)));
  cap->stop();
  const Pcap p = read_pcap(dir_ / "offset.pcap");
  const auto data = std::find_if(p.tcp.begin(), p.tcp.end(), [](const Segment& s) { return s.dport == port && s.payload; });
  ASSERT_NE(data, p.tcp.end()) << "the 100 bytes are not in the capture";
  const int64_t at = data->wall_ns - offset;
  // The kernel stamps the packet as the socket takes it; the send returns after veth
  // handed the segment over.
  EXPECT_GE(at, before) << "the data segment is " << (before - at) / 1e6 << " ms before send() was called";
  EXPECT_LE(at, sent.t_ns + 2'000'000) << "the data segment is " << (at - sent.t_ns) / 1e6 << " ms after send() returned";
  cap->discard();
}

// drain() returns once what the kernel had queued is in the file: a runner reads the
// file before a fault, or keeps it from a capture that will not be stopped cleanly.
TEST_F(Capture, AfterADrainTheFileHoldsWhatWasSent) {
  constexpr uint16_t port = 7104;
  Topology t({});
  const fs::path file = dir_ / "drained.pcap";
  auto cap = std::make_unique<PacketCapture>(*t.switch_ns(), "br0", "tcp port 7104", file);
  ConnectedPair c(t, port);
  c.server.expect(AppEventKind::Ok, c.server.set_reading(true));
  for (int round = 1; round <= 20; ++round) {
    c.client.expect(AppEventKind::Sent, c.client.send(100));
    c.server.wait_for([&](const AppEvent& e) { return e.total >= 100u * round; }, "the bytes sent so far",
                      scaled(milliseconds(3000)));
    ASSERT_TRUE(cap->drain()) << "round " << round;
    size_t to_server = 0;
    for (const auto& s : read_pcap(file).tcp)
      if (s.dport == port) to_server += s.payload;
    ASSERT_EQ(to_server, 100u * round) << "round " << round << ": drain() returned before the file held the data";
  }
  EXPECT_TRUE(cap->running());
  cap->discard();
}

TEST_F(Capture, MissingInterfaceSaysSo) {
  Host h("h");
  try {
    PacketCapture c(h.ns(), "eth9", "tcp", dir_ / "x.pcap");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("capture on eth9"), std::string::npos) << what;
    EXPECT_NE(what.find("No such device"), std::string::npos) << what;
    EXPECT_EQ(dynamic_cast<const CaptureUnavailable*>(&e), nullptr) << "a caller's mistake, not the environment's";
  }
  EXPECT_FALSE(fs::exists(dir_ / "x.pcap"));
}

TEST_F(Capture, ABadFileNameOrFilterLeavesNoFile) {
  Host h("h");
  EXPECT_THROW(PacketCapture(h.ns(), "lo", "", dir_ / "x.txt"), std::invalid_argument);
  try {
    PacketCapture c(h.ns(), "lo", "tcp port seventy", dir_ / "x.pcap");
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("filter 'tcp port seventy'"), std::string::npos) << e.what();
    EXPECT_EQ(dynamic_cast<const CaptureUnavailable*>(&e), nullptr) << "a caller's mistake, not the environment's";
  }
  EXPECT_EQ(entries_in(dir_.c_str()), 0u) << "a capture that never started left a file";
}

// A host crash takes the host's link down: a capture of it ends there, with what it
// had read; a capture in the switch namespace goes on.
TEST_F(Capture, OnTheSwitchItOutlivesAHostCrash) {
  Topology t({});
  const std::string filter = "tcp port 7102";
  auto in_host = std::make_unique<PacketCapture>(t.host(Role::Server).ns(), "eth0", filter, dir_ / "host.pcap");
  PacketCapture on_switch(*t.switch_ns(), "br0", filter, dir_ / "switch.pcap");
  {
    ConnectedPair c(t, 7102);
    ASSERT_TRUE(in_host->drain());
    t.crash_host(Role::Server);
  }
  try {
    in_host->stop();
    ADD_FAILURE() << "stop() of a capture whose host crashed returned normally";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("ended before stop()"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_pcap(dir_ / "host.pcap").count(0, 7102, kSyn), 1u) << "the file kept what came before the crash";

  const uint64_t captured = on_switch.stop();
  const Pcap p = read_pcap(dir_ / "switch.pcap");
  EXPECT_EQ(p.records, captured);
  EXPECT_EQ(p.count(0, 7102, kSyn), 1u);
  EXPECT_EQ(p.count(7102, 0, kSyn | kAck), 1u);
}

// A capture is a socket and a thread of the runner: stopping it leaves neither. (That a
// SIGKILLed runner leaves no file, crashlab-undo removing it, is leak_test's.)
TEST_F(Capture, ItLeavesNoThreadAndNoDescriptor) {
  Host h("h");
  const size_t fds = entries_in("/proc/self/fd"), threads = entries_in("/proc/self/task");
  {
    PacketCapture c(h.ns(), "lo", "", dir_ / "stopped.pcap");
    EXPECT_GT(entries_in("/proc/self/task"), threads) << "no reader thread";
    c.discard();
  }
  EXPECT_EQ(entries_in("/proc/self/fd"), fds) << "a descriptor outlived its capture";
  // A joined thread's /proc entry can stay a moment longer.
  EXPECT_TRUE(waitUntil([&] { return entries_in("/proc/self/task") == threads; }, "the capture's threads to be gone",
                        scaled(milliseconds(2000)), [&] { return std::to_string(entries_in("/proc/self/task")) + " threads"; }));

}
