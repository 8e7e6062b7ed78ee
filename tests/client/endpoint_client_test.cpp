// The typed client against the real crashlab-endpoint on 127.0.0.1: in the test's
// own namespace when its loopback works (no privilege needed), else (e.g. inside
// `unshare -n`, where lo is down) in a fresh namespace with lo up.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <set>

#include "fixtures/loopback.hpp"
#include "fixtures/privilege.hpp"
#include "netns/client/bring_up.hpp"
#include "netns/client/endpoint_client.hpp"
#include "netns/host/host.hpp"

using namespace crashlab;

namespace {

bool loopback_works_here() {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)), client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a = loopback(0);
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listener.get(), 1) != 0)
    return false;
  a = loopback(local_port(listener.get()));
  return ::connect(client.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

class Loopback : public testing::Test {
 protected:
  void SetUp() override {
    if (loopback_works_here()) {
      ns_ = std::make_unique<NetNs>(NetNs::current());
      return;
    }
    if (const auto& problem = namespace_problem()) {
      if (privileges_required()) FAIL() << "127.0.0.1 is unreachable here and " << *problem;
      GTEST_SKIP() << "127.0.0.1 is unreachable here and " << *problem;
    }
    host_ = std::make_unique<Host>("loopback");
  }
  const NetNs& ns() const { return host_ ? host_->ns() : *ns_; }

  std::unique_ptr<NetNs> ns_;
  std::unique_ptr<Host> host_;
};

const milliseconds kBound = scaled(milliseconds(3000));

bool sigpipe_pending() {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGPIPE) == 1;
}

bool sigpipe_blocked() {
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  return sigismember(&mask, SIGPIPE) == 1;
}

}  // namespace

TEST_F(Loopback, ConnectSendReceiveCloseThroughTheTypedApi) {
  EndpointClient server(ns(), "server"), client(ns(), "client");
  const ArmedListener l = listen_and_accept(server, "127.0.0.1", 0);
  EXPECT_EQ(l.bound.addr, "127.0.0.1");
  ASSERT_NE(l.bound.port, 0) << "port 0 picks a free port";
  const ConnectedEnds ends = connect_accepted(client, {"127.0.0.1", l.bound.port}, server, l.accept_id);
  EXPECT_EQ(ends.connected.raw.value("peer", ""), "127.0.0.1:" + std::to_string(l.bound.port));
  EXPECT_EQ(ends.accepted.raw.value("peer", ""), ends.connected.raw.value("local", "?"));

  const auto info = client.tcp_info();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->state, "ESTABLISHED");
  EXPECT_GT(info->snd_mss, 0);
  EXPECT_GT(info->rto_us, 0);

  const AppEvent sent = client.send(5000);
  EXPECT_EQ(sent.kind, AppEventKind::Sent) << sent.text();
  EXPECT_EQ(sent.bytes, 5000);
  EXPECT_GT(sent.issued_ns, 0);
  EXPECT_LE(sent.issued_ns, sent.t_ns) << "issued before it was reported";
  EXPECT_EQ(server.set_reading(true).kind, AppEventKind::Ok);
  const AppEvent data = server.wait_for([](const AppEvent& e) { return e.total >= 5000; }, "5000 bytes", kBound);
  EXPECT_EQ(data.kind, AppEventKind::Data);
  EXPECT_EQ(data.total, 5000);

  EXPECT_EQ(client.set_options({{"TCP_NODELAY", 1}}).kind, AppEventKind::Ok);
  EXPECT_EQ(client.shutdown(ShutdownHow::Write).kind, AppEventKind::Ok);
  server.wait_for(AppEventKind::Eof, kBound);
  const auto server_info = server.tcp_info();
  ASSERT_TRUE(server_info);
  EXPECT_EQ(server_info->state, "CLOSE_WAIT");

  const AppEvent closed = client.close();
  EXPECT_EQ(closed.kind, AppEventKind::Closed) << closed.text();
  EXPECT_FALSE(client.tcp_info()) << "no connection left to ask about";
  const AppEvent no_conn = client.send(1);
  EXPECT_EQ(no_conn.kind, AppEventKind::Error) << "an error the command met is its answer, not an exception";
  EXPECT_EQ(no_conn.op, "send");
  EXPECT_EQ(no_conn.error, "ENOTCONN");
}

TEST_F(Loopback, PeriodicSendRepeatsUntilStopped) {
  EndpointClient server(ns(), "server"), client(ns(), "client");
  bring_up(server, client, {"127.0.0.1", 0});
  EXPECT_EQ(client.periodic_send(10, 5).kind, AppEventKind::Ok);
  std::set<int64_t> periodic;  // by seq: wait_for may look at an event more than once
  client.wait_for(
      [&](const AppEvent& e) {
        if (e.is(AppEventKind::Sent) && e.bytes == 10 && e.raw.value("periodic", false))
          periodic.insert(e.raw.value("seq", int64_t(-1)));
        return periodic.size() >= 3;
      },
      "three periodic sends", kBound);
  EXPECT_EQ(client.stop_periodic_send().kind, AppEventKind::Ok);
}

TEST_F(Loopback, ConnectToAClosedPortThrowsWithTheErrno) {
  EndpointClient server(ns(), "server"), client(ns(), "client");
  const Bound b = server.listen("127.0.0.1", 0);
  server.exit();  // frees the port: nothing listens there any more
  ASSERT_TRUE(server.process().wait_exit(kBound));
  try {
    client.connect({"127.0.0.1", b.port});
    FAIL() << "connect to a closed port succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("ECONNREFUSED"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("client: ", 0), 0u) << e.what();
  }
}

TEST_F(Loopback, WritingToAnExitedEndpointThrowsNamingItAndRaisesNoSignal) {
  EndpointClient server(ns(), "server");
  server.exit(3);
  ASSERT_TRUE(server.process().wait_exit(kBound));
  try {
    server.send(1);
    FAIL() << "a command to a dead endpoint went through";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "server: endpoint gone (exited with status 3)");
  }
  EXPECT_FALSE(sigpipe_pending()) << "the SIGPIPE of the failed write was left pending";
  EXPECT_FALSE(sigpipe_blocked()) << "SIGPIPE stayed blocked after the write";
}

TEST_F(Loopback, AKilledEndpointIsNamedWithItsSignal) {
  EndpointClient client(ns(), "client");
  client.process().signal(SIGKILL);
  ASSERT_TRUE(client.process().wait_exit(kBound));
  try {
    client.connect({"127.0.0.1", 9});
    FAIL() << "a command to a killed endpoint went through";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "client: endpoint gone (exited with signal SIGKILL)");
  }
}

TEST_F(Loopback, AWaitThatRunsOutNamesWhatItAwaited) {
  EndpointClient server(ns(), "server");
  try {
    server.wait_for(AppEventKind::Accepted, milliseconds(50));
    FAIL() << "an event nobody caused arrived";
  } catch (const WaitTimeout& e) {
    EXPECT_NE(std::string(e.what()).find("server event 'accepted'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"ready\""), std::string::npos) << "names the last event seen: " << e.what();
  }
}
