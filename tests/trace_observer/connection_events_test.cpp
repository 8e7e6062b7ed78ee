// TraceObserver on 127.0.0.1: each state change and reset of a connection, recorded with
// a kernel timestamp inside the syscall that caused it.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "netns/wire/tcp_state.hpp"
#include "tests/trace_observer/observed_listener.hpp"

using namespace crashlab;
using namespace crashlab::trace_test;
using namespace std::chrono_literals;

namespace {

using TraceObserverConnection = ObservedListener;

TEST_F(TraceObserverConnection, ListenIsRecordedInsideTheCall) {
  const Window w_listen = start_listening();
  const auto evs = obs->events();
  EXPECT_TRUE(changed_within(evs, socket_of(evs, port), CLOSE, LISTEN, w_listen));
}

TEST_F(TraceObserverConnection, GracefulCloseClientFirst) {
  start_listening();
  const int64_t t0 = monotonic_ns();
  UniqueFd client, server;
  const Window w_connect = timed("connect", [&] { client = connect_to(port); });
  server = accept_one(listener.get());
  const uint16_t cport = local_port(client.get());
  const Window w_close_client = timed("close(client)", [&] { client.reset(); });
  char byte;
  EXPECT_EQ(::read(server.get(), &byte, 1), 0) << "server reads EOF";
  const Window w_close_server = timed("close(server)", [&] { server.reset(); });

  const auto last = obs->wait_for([&](const KernelEvent& ev) {
    return ev.kind == KernelEvent::Kind::StateChange && ev.sport == port && ev.dport == cport &&
           ev.oldstate == LAST_ACK && ev.newstate == CLOSE;
  }, 2s);
  EXPECT_TRUE(last.has_value()) << "server LAST_ACK->CLOSE seen";
  const auto evs = obs->events();
  print_events(evs, t0);
  EXPECT_TRUE(sorted_by_time(evs)) << "events sorted by CLOCK_MONOTONIC time";
  const uint64_t csk = socket_of(evs, cport), ssk = last ? last->skaddr : 0;
  EXPECT_TRUE(changed_within(evs, csk, CLOSE, SYN_SENT, w_connect));
  EXPECT_TRUE(changed_within(evs, csk, SYN_SENT, ESTABLISHED, w_connect));
  EXPECT_TRUE(changed_within(evs, csk, ESTABLISHED, FIN_WAIT1, w_close_client));
  EXPECT_TRUE(changed_within(evs, ssk, ESTABLISHED, CLOSE_WAIT, w_close_client));
  EXPECT_TRUE(changed_within(evs, ssk, CLOSE_WAIT, LAST_ACK, w_close_server));
  // The ACK of the client's FIN may be delayed and ride on the server's FIN.
  const Window closing{"close sequence", w_close_client.before, w_close_server.after};
  EXPECT_TRUE(changed_within(evs, csk, FIN_WAIT1, FIN_WAIT2, closing));
  bool time_wait = false;
  for (const auto& ev : evs) time_wait |= ev.skaddr == csk && ev.newstate == tcp_state_from_name("TIME_WAIT");
  std::printf("  note: client TIME_WAIT transition %s\n", time_wait ? "recorded" : "not reported by the kernel");
}

TEST_F(TraceObserverConnection, ResetWhenServerClosesWithUnreadData) {
  start_listening();
  const int64_t t0 = monotonic_ns();
  UniqueFd client = connect_to(port);
  UniqueFd server = accept_one(listener.get());
  const uint16_t cport = local_port(client.get());
  if (::write(client.get(), "unread", 6) != 6) throw_errno("write");
  pollfd p{server.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 1000), 1) << "the data must be queued at the server before it closes";
  server.reset();

  const auto rx = obs->wait_for([&](const KernelEvent& ev) {
    return ev.kind == KernelEvent::Kind::ReceiveReset && ev.sport == cport;
  }, 2s);
  EXPECT_TRUE(rx.has_value()) << "client tcp_receive_reset";
  const auto err = obs->wait_for([&](const KernelEvent& ev) {
    return ev.kind == KernelEvent::Kind::ErrorReport && ev.sport == cport;
  }, 2s);
  EXPECT_TRUE(err && err->error == ECONNRESET) << "client inet_sk_error_report ECONNRESET";
  const auto tx = obs->wait_for([&](const KernelEvent& ev) {
    return ev.kind == KernelEvent::Kind::SendReset && ev.sport == port && ev.dport == cport;
  }, 2s);
  EXPECT_TRUE(tx.has_value()) << "server tcp_send_reset " << (tx ? tx->reason : std::string("-"));
  char buf[8];
  const ssize_t n = ::read(client.get(), buf, sizeof buf);
  const int read_errno = errno;
  EXPECT_TRUE(n < 0 && read_errno == ECONNRESET) << "client read -> ECONNRESET";
  print_events(obs->events(), t0);
}

// The same observer sees IPv6 sockets; addresses come from the saddr_v6/daddr_v6 fields.
TEST_F(TraceObserverConnection, Ipv6AddressesDecoded) {
  UniqueFd l(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  a.sin6_addr = in6addr_loopback;
  if (!l || ::bind(l.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 || ::listen(l.get(), 1) != 0)
    GTEST_SKIP() << "no IPv6 loopback (" << errno_name(errno) << ")";
  const int64_t t0 = monotonic_ns();  // wait_for also sees earlier events
  UniqueFd c(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(c.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) throw_errno("connect6");
  const auto est = obs->wait_for([&](const KernelEvent& ev) {
    return ev.t_ns >= t0 && ev.kind == KernelEvent::Kind::StateChange && ev.dport == port &&
           ev.newstate == ESTABLISHED;
  }, 2s);
  EXPECT_TRUE(est && est->saddr == "::1" && est->daddr == "::1")
      << "IPv6 event: " << (est ? to_string(*est) : std::string("none"));
}

}  // namespace
