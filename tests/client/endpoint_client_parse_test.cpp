// The client's JSON edge without a process: event lines in, command objects out.
#include <gtest/gtest.h>

#include "netns/client/app_event.hpp"
#include "netns/client/commands.hpp"

using namespace crashlab;

TEST(ParseAppEvent, SentCarriesItsTimesIdAndBytes) {
  const AppEvent e = parse_app_event(R"({"event":"sent","t":123456789,"issued":123000000,"seq":4,"id":17,"bytes":1000})");
  EXPECT_EQ(e.kind, AppEventKind::Sent);
  EXPECT_EQ(e.t_ns, 123456789);
  EXPECT_EQ(e.issued_ns, 123000000);
  ASSERT_TRUE(e.id);
  EXPECT_EQ(*e.id, 17);
  EXPECT_EQ(e.bytes, 1000);
  EXPECT_EQ(e.raw.value("seq", -1), 4);
}

TEST(ParseAppEvent, DataCarriesBytesAndTotalButNoId) {
  const AppEvent e = parse_app_event(R"({"event":"data","t":5,"seq":9,"bytes":300,"total":1300})");
  EXPECT_EQ(e.kind, AppEventKind::Data);
  EXPECT_FALSE(e.id);
  EXPECT_EQ(e.bytes, 300);
  EXPECT_EQ(e.total, 1300);
}

TEST(ParseAppEvent, ErrorNamesItsOperationAndErrno) {
  const AppEvent e =
      parse_app_event(R"({"event":"error","t":7,"seq":2,"id":3,"op":"connect","errno":"ECONNREFUSED"})");
  EXPECT_EQ(e.kind, AppEventKind::Error);
  EXPECT_EQ(e.op, "connect");
  EXPECT_EQ(e.error, "ECONNREFUSED");
  EXPECT_EQ(e.id, std::optional<int64_t>(3));
}

TEST(ParseAppEvent, EveryProtocolEventNameHasItsKind) {
  const std::vector<std::pair<const char*, AppEventKind>> names = {
      {"ready", AppEventKind::Ready},       {"listening", AppEventKind::Listening},
      {"accepted", AppEventKind::Accepted}, {"connected", AppEventKind::Connected},
      {"eof", AppEventKind::Eof},           {"closed", AppEventKind::Closed},
      {"ok", AppEventKind::Ok},             {"tcp_info", AppEventKind::TcpInfo},
      {"rdhup", AppEventKind::Rdhup},       {"hup", AppEventKind::Hup},
      {"periodic_stopped", AppEventKind::PeriodicStopped}};
  for (const auto& [name, kind] : names) {
    const AppEvent e = parse_app_event(std::string(R"({"event":")") + name + R"(","t":1,"seq":0})");
    EXPECT_EQ(e.kind, kind) << name;
    EXPECT_EQ(kind_name(e.kind), name);
  }
}

TEST(ParseAppEvent, AnUnknownEventIsOtherAndKeepsItsLine) {
  const AppEvent e = parse_app_event(R"({"event":"surprise","t":1,"seq":0,"x":2})");
  EXPECT_EQ(e.kind, AppEventKind::Other);
  EXPECT_EQ(e.raw.value("x", 0), 2);
}

TEST(ParseAppEvent, WhatIsNotAnEventObjectIsUnparsableWithItsText) {
  for (const char* line : {"Segmentation fault", R"({"event":)", "[1,2]", R"({"t":1})", R"({"event":5})"}) {
    const AppEvent e = parse_app_event(line);
    EXPECT_EQ(e.kind, AppEventKind::Unparsable) << line;
    EXPECT_EQ(e.text(), line);
  }
}

TEST(ParseAppEvent, AMistypedFieldFallsBackInsteadOfThrowing) {
  const AppEvent e = parse_app_event(R"({"event":"sent","t":"soon","id":"x","bytes":null})");
  EXPECT_EQ(e.kind, AppEventKind::Sent);
  EXPECT_EQ(e.t_ns, 0);
  EXPECT_FALSE(e.id);
  EXPECT_EQ(e.bytes, 0);
}

TEST(ParseAppEvent, TcpInfoFieldsAreTyped) {
  const AppEvent e = parse_app_event(
      R"({"event":"tcp_info","t":99,"seq":5,"id":1,"state":"ESTABLISHED","rto_us":204000,"rtt_us":150,)"
      R"("snd_mss":1448,"last_data_recv_ms":12,"last_ack_recv_ms":3,"sack":true,"retrans":0})");
  const auto ti = tcp_info_of(e);
  ASSERT_TRUE(ti);
  EXPECT_EQ(ti->t_ns, 99);
  EXPECT_EQ(ti->state, "ESTABLISHED");
  EXPECT_EQ(ti->rto_us, 204000);
  EXPECT_EQ(ti->rtt_us, 150);
  EXPECT_EQ(ti->snd_mss, 1448);
  EXPECT_EQ(ti->last_data_recv_ms, 12);
  EXPECT_EQ(ti->last_ack_recv_ms, 3);
  EXPECT_TRUE(ti->sack);
  EXPECT_EQ(ti->raw.value("retrans", -1), 0);
  EXPECT_FALSE(tcp_info_of(parse_app_event(R"({"event":"ok","t":1})")));
}

TEST(Commands, ConnectNamesEveryFieldTheProtocolHas) {
  const Command c = connect_command({"10.0.0.1", 80, "10.0.0.2", 4000, {{"TCP_USER_TIMEOUT", 5000}}});
  EXPECT_EQ(c.dump(),
            R"({"cmd":"connect","addr":"10.0.0.1","port":80,"bind":"10.0.0.2","bind_port":4000,)"
            R"("opts":{"TCP_USER_TIMEOUT":5000}})");
  EXPECT_EQ(connect_command({"::1", 9}).dump(), R"({"cmd":"connect","addr":"::1","port":9})");
}

TEST(Commands, SocketOptionsKeepTheirOrder) {
  // The endpoint applies options in the order given (TCP_MAXSEG before SO_KEEPALIVE here).
  const Command c = setsockopt_command({{"TCP_MAXSEG", 536}, {"SO_KEEPALIVE", 1}});
  EXPECT_EQ(c.dump(), R"({"cmd":"setsockopt","opts":{"TCP_MAXSEG":536,"SO_KEEPALIVE":1}})");
}

TEST(Commands, EachCommandAsTheProtocolSpellsIt) {
  EXPECT_EQ(listen_command("0.0.0.0", 0, {}).dump(), R"({"cmd":"listen","addr":"0.0.0.0","port":0})");
  EXPECT_EQ(accept_command({{"SO_LINGER", 0}}).dump(), R"({"cmd":"accept","opts":{"SO_LINGER":0}})");
  EXPECT_EQ(send_command(10).dump(), R"({"cmd":"send","bytes":10})");
  EXPECT_EQ(close_command().dump(), R"({"cmd":"close"})");
  EXPECT_EQ(shutdown_command(ShutdownHow::Read).dump(), R"({"cmd":"shutdown","how":"rd"})");
  EXPECT_EQ(shutdown_command(ShutdownHow::Write).dump(), R"({"cmd":"shutdown","how":"wr"})");
  EXPECT_EQ(shutdown_command(ShutdownHow::Both).dump(), R"({"cmd":"shutdown","how":"rdwr"})");
  EXPECT_EQ(recv_command(false).dump(), R"({"cmd":"recv","enable":false})");
  EXPECT_EQ(periodic_send_command(5, 20).dump(), R"({"cmd":"periodic_send","bytes":5,"interval_ms":20})");
  EXPECT_EQ(periodic_stop_command().dump(), R"({"cmd":"periodic_send","stop":true})");
  EXPECT_EQ(tcp_info_command().dump(), R"({"cmd":"tcp_info"})");
  EXPECT_EQ(exit_command(3).dump(), R"({"cmd":"exit","code":3})");
}

TEST(SocketOptionsFromJson, ConvertsAndRejectsWhatTheValidatorRejects) {
  const SocketOptions opts = socket_options_from_json({{"SO_KEEPALIVE", true}, {"TCP_KEEPIDLE", 5}});
  ASSERT_EQ(opts.size(), 2u);
  EXPECT_EQ(opts[0].name, "SO_KEEPALIVE");
  EXPECT_EQ(opts[0].value, 1);
  EXPECT_EQ(opts[1].name, "TCP_KEEPIDLE");
  EXPECT_EQ(opts[1].value, 5);
  EXPECT_THROW(socket_options_from_json({{"TCP_KEEPIDLE", 0}}), std::invalid_argument);
  EXPECT_THROW(socket_options_from_json({{"SO_NOSUCH", 1}}), std::invalid_argument);
  EXPECT_THROW(socket_options_from_json(nlohmann::json::array()), std::invalid_argument);
}
