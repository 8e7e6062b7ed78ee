// The format-file parser against format files captured from this kernel
// (tests/data/tracefs, scripts/capture-trace-data.sh) and hand-written edge cases.
#include <gtest/gtest.h>

#include "netns/observe/tracefs/tracefs_format.hpp"
#include "tests/observe/trace_test_data.hpp"

namespace crashlab {
namespace {

using test::captured_format;
using test::read_trace_data;

TEST(TracefsFormat, InetSockSetStateFields) {
  const TraceFormat f = captured_format("sock:inet_sock_set_state");
  EXPECT_EQ(f.name, "inet_sock_set_state");
  EXPECT_EQ(f.system, "sock");
  EXPECT_GT(f.id, 0);
  const TraceField* type = f.field("common_type");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->offset, 0u);
  EXPECT_EQ(type->size, 2u);
  EXPECT_EQ(type->type, "unsigned short");
  EXPECT_FALSE(type->is_signed);
  const TraceField* oldstate = f.field("oldstate");
  ASSERT_NE(oldstate, nullptr);
  EXPECT_EQ(oldstate->type, "int");
  EXPECT_EQ(oldstate->size, 4u);
  EXPECT_TRUE(oldstate->is_signed);
  const TraceField* skaddr = f.field("skaddr");
  ASSERT_NE(skaddr, nullptr);
  EXPECT_EQ(skaddr->type, "const void *");  // the name is split off a pointer declarator
  EXPECT_EQ(skaddr->size, 8u);
  const TraceField* saddr_v6 = f.field("saddr_v6");
  ASSERT_NE(saddr_v6, nullptr);
  EXPECT_EQ(saddr_v6->type, "__u8");  // "[16]" is dropped, size keeps it
  EXPECT_EQ(saddr_v6->size, 16u);
  // Fields follow each other without overlap, after the common ones.
  const TraceField* sport = f.field("sport");
  const TraceField* dport = f.field("dport");
  ASSERT_TRUE(sport && dport);
  EXPECT_EQ(dport->offset, sport->offset + sport->size);
  EXPECT_GE(skaddr->offset, 8u);
  EXPECT_EQ(f.field("no_such_field"), nullptr);
  EXPECT_NE(f.print_fmt.find("oldstate=%s"), std::string::npos);
}

TEST(TracefsFormat, EachTracepointHasWhatTheDecoderReads) {
  for (const auto& spec : kTracepoints) {
    SCOPED_TRACE(spec.name);
    const TraceFormat f = captured_format(spec.name);
    EXPECT_NE(f.field("common_type"), nullptr);
    EXPECT_EQ(f.system + ":" + f.name, spec.name);
  }
  EXPECT_TRUE(captured_format("tcp:tcp_retransmit_skb").field("err")->is_signed);
  EXPECT_TRUE(captured_format("sock:inet_sk_error_report").field("error")->is_signed);
  EXPECT_EQ(captured_format("tcp:tcp_send_reset").field("saddr")->size, 28u);  // a sockaddr_in6 image
}

TEST(TracefsFormat, PrintSymbolsKeepsNumericEntriesOnly) {
  const TraceFormat reset = captured_format("tcp:tcp_send_reset");
  const auto reasons = reset.symbols("reason");
  ASSERT_FALSE(reasons.empty());
  EXPECT_EQ(reasons.at(0), "NOT_SPECIFIED");
  EXPECT_EQ(reasons.at(1), "NO_SOCKET");
  // `state` entries are symbolic ({ TCP_ESTABLISHED, "TCP_ESTABLISHED" }): skipped.
  EXPECT_TRUE(reset.symbols("state").empty());
  const auto families = captured_format("tcp:tcp_retransmit_skb").symbols("family");
  EXPECT_EQ(families, (std::map<int64_t, std::string>{{2, "AF_INET"}, {10, "AF_INET6"}}));
  const auto protocols = captured_format("sock:inet_sock_set_state").symbols("protocol");
  EXPECT_EQ(protocols.at(6), "IPPROTO_TCP");
  EXPECT_EQ(protocols.at(132), "IPPROTO_SCTP");
  EXPECT_TRUE(reset.symbols("no_such_field").empty());
}

TEST(TracefsFormat, SymbolsSkipParenthesesInsideStrings) {
  TraceFormat f;
  f.print_fmt = R"fmt("x=%s", __print_symbolic(REC->x, { 1, "A)" }, { 2, "B" }), __print_symbolic(REC->y, { 3, "C" }))fmt";
  EXPECT_EQ(f.symbols("x"), (std::map<int64_t, std::string>{{1, "A)"}, {2, "B"}}));
  EXPECT_EQ(f.symbols("y"), (std::map<int64_t, std::string>{{3, "C"}}));
}

TEST(TracefsFormat, MalformedInputThrows) {
  EXPECT_THROW(parse_trace_format("name: x\nformat:\n"), std::runtime_error);  // no ID, no fields
  EXPECT_THROW(parse_trace_format("name: x\nID: 1\nformat:\n\tfield:int a;\tsize:4;\n"), std::runtime_error);
  EXPECT_THROW(parse_trace_format("name: x\nID: 1\nformat:\n\tfield:int a\n"), std::runtime_error);  // no ';'
  EXPECT_THROW(parse_trace_format("name: x\nID: 1\nformat:\n\tfield:;\toffset:0;\tsize:4;\n"), std::runtime_error);
}

TEST(TracefsFormat, HeaderPageFields) {
  const auto fields = parse_trace_fields(read_trace_data("header_page"));
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].name, "timestamp");
  EXPECT_EQ(fields[0].size, 8u);
  EXPECT_EQ(fields[1].name, "commit");
  EXPECT_EQ(fields[1].type, "local_t");
  EXPECT_TRUE(fields[1].is_signed);
  EXPECT_EQ(fields[3].name, "data");
  EXPECT_EQ(fields[3].offset + fields[3].size, 4096u);  // one page
}

}  // namespace
}  // namespace crashlab
