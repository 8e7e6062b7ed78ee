// TraceObserver as a whole: it keeps up with bulk traffic and filters by port, runs
// beside a second observer, idles without CPU, wakes wait_for from its reader thread,
// and mounts nothing anyone can see.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "netns/sys/wait.hpp"
#include "tests/trace_observer/observed_listener.hpp"

using namespace crashlab;
using namespace crashlab::trace_test;
using namespace std::chrono_literals;

namespace {

using TraceObserverBehaviour = ObservedListener;

// Enough connections to fill many trace-buffer pages on every CPU while the reader
// drains them, plus traffic on an unobserved port that must be filtered out.
TEST_F(TraceObserverBehaviour, BulkConnectionsAllRecordedOthersFiltered) {
  constexpr int kConnections = 400;
  start_listening();
  const int64_t t0 = monotonic_ns();
  UniqueFd other = bound_socket(0, 64);
  const uint16_t other_port = local_port(other.get());
  for (int i = 0; i < kConnections; ++i) {
    UniqueFd c = connect_to(port);
    UniqueFd s = accept_one(listener.get());
    c.reset();
    char byte;
    if (::read(s.get(), &byte, 1) != 0) throw_errno("read");
  }
  { UniqueFd c = connect_to(other_port), s = accept_one(other.get()); }
  size_t changes = 0, foreign = 0;
  auto count = [&] {
    changes = foreign = 0;
    for (const auto& ev : obs->events()) {
      if (ev.t_ns < t0) continue;
      changes += ev.kind == KernelEvent::Kind::StateChange;
      foreign += ev.sport != port && ev.dport != port;
    }
    return changes >= 10u * kConnections;
  };
  // The last FIN/ACK exchanges finish in softirq after close() returns.
  sample_until(count, Clock::now() + 3s);
  EXPECT_EQ(changes, 10u * kConnections) << changes << " state changes recorded (10 per connection)";
  EXPECT_EQ(foreign, 0u) << "nothing from port " << other_port << " recorded";
  EXPECT_EQ(obs->lost(), 0u) << "lost=" << obs->lost();
}

// A SYN the listener drops (its accept queue is full) is retransmitted after ~1s, from
// the timer softirq. A second observer on its own port runs beside the fixture's one
// (sharing the process's tracing session: starting it only subscribes a port).
TEST_F(TraceObserverBehaviour, SecondObserverSeesSynRetransmit) {
  UniqueFd l = bound_socket(0, 0);
  const uint16_t full_port = local_port(l.get());
  const int64_t t_start = monotonic_ns();
  auto second_obs = TraceObserver::start({full_port});
  std::printf("  second observer started in %.2f ms\n", double(monotonic_ns() - t_start) / 1e6);
  UniqueFd first = connect_to(full_port);  // fills the accept queue
  UniqueFd second = tcp_socket();
  ::fcntl(second.get(), F_SETFL, O_NONBLOCK);
  const sockaddr_in a = loopback(full_port);
  ::connect(second.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a);
  const uint16_t cport = local_port(second.get());
  const auto rtx = second_obs->wait_for([&](const KernelEvent& ev) {
    return ev.kind == KernelEvent::Kind::Retransmit && ev.sport == cport;
  }, 3s);
  EXPECT_TRUE(rtx.has_value()) << "tcp_retransmit_skb: " << (rtx ? to_string(*rtx) : std::string("none"));
}

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

TEST_F(TraceObserverBehaviour, IdleObserverUsesNoCpu) {
  start_listening();
  const double before = cpu_seconds();
  std::this_thread::sleep_for(500ms);  // the measurement itself: no events, the reader must sleep
  const double used = cpu_seconds() - before;
  EXPECT_LT(used, 0.01) << "idle for 500ms used " << used * 1e3 << "ms CPU (no busy loop)";
}

// Closes the listener from another thread while wait_for blocks: exercises the reader
// thread's poll wakeup rather than wait_for's initial drain.
TEST_F(TraceObserverBehaviour, WaitForWakesWhenTheReaderSeesTheEvent) {
  start_listening();
  const uint64_t lsk = socket_of(obs->events(), port);
  ASSERT_NE(lsk, 0u) << "listener CLOSE->LISTEN recorded";
  std::thread closer([&] {
    std::this_thread::sleep_for(100ms);
    listener.reset();
  });
  const auto closed = obs->wait_for([&](const KernelEvent& ev) { return is_transition(ev, lsk, LISTEN, CLOSE); }, 2s);
  const int64_t woke = monotonic_ns();
  closer.join();
  EXPECT_TRUE(closed.has_value()) << "listener LISTEN->CLOSE via wait_for";
  if (closed) std::printf("  listener LISTEN->CLOSE via wait_for, woke %lld us after the event\n",
                          static_cast<long long>((woke - closed->t_ns) / 1000));
}

int tracefs_mounts(const char* mountinfo) {
  std::ifstream in(mountinfo);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(" - tracefs ") != std::string::npos;
  return n;
}

// Counts tracefs mounts before anything of the tracing session exists in this process.
class TraceObserverMounts : public ObservedListener {
 protected:
  void SetUp() override {
    mounts_before = tracefs_mounts("/proc/1/mountinfo");
    own_mounts_before = tracefs_mounts("/proc/self/mountinfo");
    ObservedListener::SetUp();
  }
  int mounts_before = 0, own_mounts_before = 0;
};

TEST_F(TraceObserverMounts, NoTracefsMountVisibleAnywhere) {
  start_listening();
  { UniqueFd c = connect_to(port), s = accept_one(listener.get()); }
  const auto est = obs->wait_for([&](const KernelEvent& ev) { return ev.newstate == ESTABLISHED; }, 2s);
  EXPECT_TRUE(est.has_value()) << "a connection recorded";
  obs.reset();
  EXPECT_EQ(tracefs_mounts("/proc/1/mountinfo"), mounts_before) << "no new tracefs mount in /proc/1/mountinfo";
  EXPECT_EQ(tracefs_mounts("/proc/self/mountinfo"), own_mounts_before) << "no new tracefs mount in our namespace";
}

}  // namespace
