// Record decoding and kernel filter strings, against records captured from this
// kernel while known traffic ran (tests/data/tracefs, scripts/capture-trace-data.sh:
// the addresses and ports below are the ones it chose) and hand-built records laid
// out by the captured format files.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

#include "netns/observe/trace/trace_records.hpp"
#include "netns/wire/tcp_state.hpp"
#include "tests/observe/trace_test_data.hpp"

namespace crashlab {
namespace {

using Kind = KernelEvent::Kind;

std::vector<KernelEvent> of_kind(Kind kind, uint16_t port) {
  std::vector<KernelEvent> out;
  for (const auto& ev : test::captured_events())
    if (ev.kind == kind && (ev.sport == port || ev.dport == port)) out.push_back(ev);
  return out;
}

// "OLD->NEW" per state change of one side (local sport), in order.
std::vector<std::string> transitions(const std::string& saddr, uint16_t sport, const std::string& daddr, uint16_t dport) {
  std::vector<std::string> out;
  for (const auto& ev : of_kind(Kind::StateChange, sport))
    if (ev.saddr == saddr && ev.sport == sport && ev.daddr == daddr && ev.dport == dport)
      out.push_back(tcp_state_name(ev.oldstate) + "->" + tcp_state_name(ev.newstate));
  return out;
}

const std::vector<std::string> kClientClosesFirst = {"CLOSE->SYN_SENT", "SYN_SENT->ESTABLISHED",
                                                     "ESTABLISHED->FIN_WAIT1", "FIN_WAIT1->FIN_WAIT2",
                                                     "FIN_WAIT2->CLOSE"};
// The child socket is cloned from the listener, so it starts out LISTEN.
const std::vector<std::string> kServerClosesSecond = {"LISTEN->SYN_RECV", "SYN_RECV->ESTABLISHED", "ESTABLISHED->CLOSE_WAIT",
                                                      "CLOSE_WAIT->LAST_ACK", "LAST_ACK->CLOSE"};

TEST(TraceRecords, Ipv4StateChanges) {
  EXPECT_EQ(transitions("10.77.0.2", 7101, "10.77.0.1", 7001), kClientClosesFirst);
  EXPECT_EQ(transitions("10.77.0.1", 7001, "10.77.0.2", 7101), kServerClosesSecond);
  EXPECT_EQ(transitions("10.77.0.1", 7001, "0.0.0.0", 0), (std::vector<std::string>{"CLOSE->LISTEN", "LISTEN->CLOSE"}));
  for (const auto& ev : of_kind(Kind::StateChange, 7001)) EXPECT_NE(ev.skaddr, 0u);
}

TEST(TraceRecords, Ipv6StateChanges) {
  EXPECT_EQ(transitions("fd00:77::2", 7102, "fd00:77::1", 7002), kClientClosesFirst);
  EXPECT_EQ(transitions("fd00:77::1", 7002, "fd00:77::2", 7102), kServerClosesSecond);
}

TEST(TraceRecords, ResetToAClosedPort) {
  // The RST answers a SYN no socket wanted: the tracepoint stores sockaddrs, no sport.
  const auto sent = of_kind(Kind::SendReset, 7003);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].saddr, "10.77.0.1");
  EXPECT_EQ(sent[0].sport, 7003);
  EXPECT_EQ(sent[0].daddr, "10.77.0.2");
  EXPECT_EQ(sent[0].dport, 7103);
  EXPECT_EQ(sent[0].reason, "NO_SOCKET");
  const auto received = of_kind(Kind::ReceiveReset, 7103);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].saddr, "10.77.0.2");
  EXPECT_EQ(received[0].dport, 7003);
  // The RST reports ECONNREFUSED; connect() then consumes sk_err and tcp_disconnect()
  // reports again, with the error read and the remote port cleared.
  const auto errors = of_kind(Kind::ErrorReport, 7103);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].error, ECONNREFUSED);
  EXPECT_EQ(errors[0].saddr, "10.77.0.2");
  EXPECT_EQ(errors[0].daddr, "10.77.0.1");
  EXPECT_EQ(errors[0].dport, 7003);
  EXPECT_EQ(errors[1].error, 0);
  EXPECT_EQ(errors[1].dport, 0);
  EXPECT_EQ(transitions("10.77.0.2", 7103, "10.77.0.1", 7003),
            (std::vector<std::string>{"CLOSE->SYN_SENT", "SYN_SENT->CLOSE"}));
}

TEST(TraceRecords, SynRetransmit) {
  const auto retransmits = of_kind(Kind::Retransmit, 7104);
  ASSERT_EQ(retransmits.size(), 1u);  // one, 1 s after the SYN; the client gave up at 1.5 s
  EXPECT_EQ(retransmits[0].saddr, "10.77.0.2");
  EXPECT_EQ(retransmits[0].daddr, "10.77.0.1");
  EXPECT_EQ(retransmits[0].dport, 7004);
  EXPECT_EQ(tcp_state_name(retransmits[0].state), "SYN_SENT");
  EXPECT_EQ(retransmits[0].error, 0);
}

TEST(TraceRecords, BurstOverSeveralPages) {
  std::set<uint16_t> established;
  for (const auto& ev : of_kind(Kind::StateChange, 7005))
    if (ev.dport == 7005 && tcp_state_name(ev.newstate) == "ESTABLISHED") established.insert(ev.sport);
  EXPECT_EQ(established.size(), 20u);
  EXPECT_GT(test::captured_pages().size(), 1u);
}

// A record of `name` as the captured format lays it out, common_type set.
std::vector<uint8_t> blank_record(const Tracepoint& tp) {
  size_t size = 0;
  for (const auto& f : tp.format.fields) size = std::max(size, f.offset + f.size);
  std::vector<uint8_t> raw(size, 0);
  std::memcpy(raw.data(), &tp.format.id, sizeof tp.format.id);
  return raw;
}

template <class T>
void put(std::vector<uint8_t>& raw, const TraceField* f, const T& value) {
  ASSERT_NE(f, nullptr);
  ASSERT_GE(f->size, sizeof value);
  std::memcpy(raw.data() + f->offset, &value, sizeof value);
}

TEST(TraceRecords, SendResetIpv6Sockaddrs) {
  const Tracepoint tp(Kind::SendReset, test::captured_format("tcp:tcp_send_reset"));
  ASSERT_TRUE(tp.layout.addresses_are_sockaddrs());
  auto raw = blank_record(tp);
  sockaddr_in6 src{}, dst{};
  src.sin6_family = dst.sin6_family = AF_INET6;
  src.sin6_port = htons(443);
  dst.sin6_port = htons(50123);
  inet_pton(AF_INET6, "fd00:77::1", &src.sin6_addr);
  inet_pton(AF_INET6, "fd00:77::2", &dst.sin6_addr);
  put(raw, tp.format.field("saddr"), src);
  put(raw, tp.format.field("daddr"), dst);
  put(raw, tp.format.field("state"), int32_t(tcp_state_from_name("ESTABLISHED")));
  put(raw, tp.format.field("reason"), uint32_t(6));  // 6 is TCP_FLAGS in the captured print fmt
  const auto ev = decode_record(tp, raw, 42);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->t_ns, 42);
  EXPECT_EQ(ev->saddr, "fd00:77::1");
  EXPECT_EQ(ev->sport, 443);
  EXPECT_EQ(ev->daddr, "fd00:77::2");
  EXPECT_EQ(ev->dport, 50123);
  EXPECT_EQ(tcp_state_name(ev->state), "ESTABLISHED");
  EXPECT_EQ(ev->reason, "TCP_FLAGS");
  put(raw, tp.format.field("reason"), uint32_t(9999));  // a reason this print fmt lacks
  EXPECT_EQ(decode_record(tp, raw, 0)->reason, "9999");
}

TEST(TraceRecords, RetransmitIpv6AndError) {
  const Tracepoint tp(Kind::Retransmit, test::captured_format("tcp:tcp_retransmit_skb"));
  auto raw = blank_record(tp);
  in6_addr s{}, d{};
  inet_pton(AF_INET6, "2001:db8::a", &s);
  inet_pton(AF_INET6, "2001:db8::b", &d);
  put(raw, tp.format.field("family"), uint16_t(AF_INET6));
  put(raw, tp.format.field("sport"), uint16_t(5001));
  put(raw, tp.format.field("dport"), uint16_t(40000));
  put(raw, tp.format.field("saddr_v6"), s);
  put(raw, tp.format.field("daddr_v6"), d);
  put(raw, tp.format.field("err"), int32_t(-ENOBUFS));  // signed: the magnitude is the errno
  const auto ev = decode_record(tp, raw, 1);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, Kind::Retransmit);
  EXPECT_EQ(ev->saddr, "2001:db8::a");
  EXPECT_EQ(ev->daddr, "2001:db8::b");
  EXPECT_EQ(ev->sport, 5001);
  EXPECT_EQ(ev->dport, 40000);
  EXPECT_EQ(ev->error, ENOBUFS);
}

TEST(TraceRecords, ProtocolFilterDropsOtherProtocols) {
  const RecordDecoder decoder(test::captured_tracepoints());
  const Tracepoint& tp = decoder.tracepoints().front();
  ASSERT_EQ(tp.kind, Kind::StateChange);
  const TraceField* protocol = tp.format.field("protocol");
  ASSERT_NE(protocol, nullptr);
  for (const auto& raw : test::captured_raw_events()) {
    uint16_t type;
    std::memcpy(&type, raw.payload.data(), sizeof type);
    if (type != tp.format.id) continue;
    auto sctp = raw.payload;
    put(sctp, protocol, uint16_t(IPPROTO_SCTP));
    EXPECT_TRUE(decoder.decode(raw.payload, raw.t_ns));
    EXPECT_FALSE(decoder.decode(sctp, raw.t_ns));
    return;
  }
  FAIL() << "no captured inet_sock_set_state record";
}

TEST(TraceRecords, UnknownTypeAndShortRecords) {
  const RecordDecoder decoder(test::captured_tracepoints());
  std::vector<uint8_t> other(16, 0);
  const uint16_t type = 1;  // no tracepoint of ours
  std::memcpy(other.data(), &type, sizeof type);
  EXPECT_FALSE(decoder.decode(other, 0));
  // A record cut short decodes what it holds; missing fields read as absent.
  const Tracepoint& tp = decoder.tracepoints().front();
  auto raw = blank_record(tp);
  put(raw, tp.format.field("sport"), uint16_t(7));
  raw.resize(tp.format.field("dport")->offset);
  const auto ev = decoder.decode(raw, 0);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->sport, 7);
  EXPECT_EQ(ev->dport, 0);
  EXPECT_EQ(ev->saddr, "");
}

TEST(TraceRecords, KernelFilterStrings) {
  const auto layout = [](const char* name) { return TracepointLayout(test::captured_format(name)); };
  const std::set<uint16_t> ports{5001, 5002};
  EXPECT_EQ(kernel_filter(layout("sock:inet_sock_set_state"), ports),
            "protocol == 6 && (sport == 5001 || dport == 5001 || sport == 5002 || dport == 5002)");
  EXPECT_EQ(kernel_filter(layout("sock:inet_sock_set_state"), std::nullopt), "protocol == 6");
  EXPECT_EQ(kernel_filter(layout("sock:inet_sock_set_state"), std::set<uint16_t>{}), "protocol == 6");
  EXPECT_EQ(kernel_filter(layout("tcp:tcp_retransmit_skb"), std::set<uint16_t>{5001}), "sport == 5001 || dport == 5001");
  EXPECT_EQ(kernel_filter(layout("tcp:tcp_retransmit_skb"), std::nullopt), "");
  EXPECT_EQ(kernel_filter(layout("sock:inet_sk_error_report"), std::set<uint16_t>{80}),
            "protocol == 6 && (sport == 80 || dport == 80)");
  // tcp_send_reset has sockaddrs, no port fields: nothing the kernel can filter on.
  EXPECT_FALSE(layout("tcp:tcp_send_reset").kernel_filterable());
  EXPECT_EQ(kernel_filter(layout("tcp:tcp_send_reset"), ports), "");
}

TEST(TraceRecords, ToStringNamesStatesAndErrors) {
  const auto errors = of_kind(Kind::ErrorReport, 7103);
  ASSERT_FALSE(errors.empty());
  const std::string line = to_string(errors.front());
  EXPECT_EQ(line.rfind("ErrorReport 10.77.0.2:7103->10.77.0.1:7003 error=ECONNREFUSED", 0), 0u) << line;
  int lines = 0;
  for (const auto& ev : of_kind(Kind::StateChange, 7102)) {
    if (ev.sport != 7102 || tcp_state_name(ev.newstate) != "ESTABLISHED") continue;
    EXPECT_EQ(to_string(ev).rfind("StateChange [fd00:77::2]:7102->[fd00:77::1]:7002 SYN_SENT->ESTABLISHED", 0), 0u);
    ++lines;
  }
  EXPECT_EQ(lines, 1);
}

}  // namespace
}  // namespace crashlab
