// Timer-driven events seen by every observer at once.
//
// Client sockets connect to a loopback listener whose accept queue is full, so their
// SYNs go unanswered: the retransmit timer sends one SYN retransmission (~1 s) and
// TCP_USER_TIMEOUT then closes the socket from the timer (~1.5 s), all in timer
// softirq. The sockets are created on threads pinned to each CPU in turn, so their
// timers fire on every CPU, mostly while it is idle. Three observers run at once in
// this process (two on the same port, one on that port and another); each must see,
// for every client, the SYN retransmission, the SYN_SENT->CLOSE and the ETIMEDOUT
// error report.
//
// The timer-driven hits are the loss that made the perf-based observer unreliable (one
// observer or several alike): on 6.18, perf dropped every tracepoint hit in interrupt
// context on top of certain tasks (one CPU's idle task among them), silently and for
// every perf consumer at once, while ftrace recorded them.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>

#include <map>
#include <memory>
#include <thread>

#include "fixtures/loopback.hpp"
#include "fixtures/tracing.hpp"
#include "netns/observe/trace/trace_observer.hpp"
#include "netns/sys/wait.hpp"
#include "tests/trace_observer/loopback_tcp.hpp"

using namespace crashlab;
using namespace crashlab::trace_test;
using namespace std::chrono_literals;

namespace {

constexpr int kRounds = 2;
constexpr int kPerCpu = 3;
constexpr int kUserTimeoutMs = 1500;

// A listener that accepts nothing more: backlog 0 and one connection queued.
struct FullListener {
  UniqueFd listener = bound_socket(0, 0);
  uint16_t port = local_port(listener.get());
  UniqueFd filler = connect_to(port);
};

std::vector<int> online_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) throw_errno("sched_getaffinity");
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

struct Client {
  int cpu;
  uint16_t port;
  int error;
};

// kPerCpu non-blocking connects from a thread pinned to `cpu`, then that thread waits
// (idle) until each socket has failed. Returns port and SO_ERROR per socket.
std::vector<Client> clients_on(int cpu, uint16_t port) {
  std::vector<Client> out;
  std::thread t([&] {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    ::pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    std::vector<UniqueFd> socks;
    for (int i = 0; i < kPerCpu; ++i) {
      UniqueFd s = tcp_socket();
      const int timeout = kUserTimeoutMs;
      ::setsockopt(s.get(), IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout, sizeof timeout);
      ::fcntl(s.get(), F_SETFL, O_NONBLOCK);
      const sockaddr_in a = loopback(port);
      ::connect(s.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a);
      out.push_back({cpu, local_port(s.get()), 0});
      socks.push_back(std::move(s));
    }
    for (size_t i = 0; i < socks.size(); ++i) {
      pollfd p{socks[i].get(), POLLOUT, 0};
      ::poll(&p, 1, kUserTimeoutMs + 3000);
      socklen_t len = sizeof out[i].error;
      ::getsockopt(socks[i].get(), SOL_SOCKET, SO_ERROR, &out[i].error, &len);
    }
  });
  t.join();
  return out;
}

struct Seen {
  bool retransmit = false, close = false, error = false;
};

std::map<uint16_t, Seen> seen_by(TraceObserver& obs) {
  std::map<uint16_t, Seen> seen;
  for (const auto& ev : obs.events()) {
    Seen& s = seen[ev.sport];
    if (ev.kind == KernelEvent::Kind::Retransmit && ev.state == SYN_SENT) s.retransmit = true;
    if (ev.kind == KernelEvent::Kind::StateChange && ev.oldstate == SYN_SENT && ev.newstate == CLOSE) s.close = true;
    if (ev.kind == KernelEvent::Kind::ErrorReport && ev.error == ETIMEDOUT) s.error = true;
  }
  return seen;
}

// What one observer saw of the clients, and where the gaps are.
struct Tally {
  int rtx = 0, close = 0, error = 0;
  std::map<int, int> missing_per_cpu;
  bool complete(size_t clients) const {
    return rtx == int(clients) && close == int(clients) && error == int(clients);
  }
};

Tally tally(TraceObserver& obs, const std::vector<Client>& clients) {
  const auto seen = seen_by(obs);
  Tally t;
  for (const auto& c : clients) {
    const auto it = seen.find(c.port);
    const Seen s = it == seen.end() ? Seen{} : it->second;
    t.rtx += s.retransmit;
    t.close += s.close;
    t.error += s.error;
    if (!s.retransmit || !s.close || !s.error) ++t.missing_per_cpu[c.cpu];
  }
  return t;
}

using TraceObserverTimers = TracingTest;

TEST_F(TraceObserverTimers, ThreeObserversSeeEveryTimerEventOnEveryCpu) {
  FullListener full;
  FullListener other;  // a second port, so one observer follows two
  const std::vector<int> cpus = online_cpus();
  const int64_t t_start = monotonic_ns();
  std::vector<std::pair<std::string, std::unique_ptr<TraceObserver>>> observers;
  observers.emplace_back("A{port}", TraceObserver::start({full.port}));
  observers.emplace_back("B{port}", TraceObserver::start({full.port}));
  observers.emplace_back("C{other,port}", TraceObserver::start({other.port, full.port}));
  std::printf("3 observers started in %.1f ms; notes: %s\n", double(monotonic_ns() - t_start) / 1e6,
              observers[0].second->notes().empty() ? "(none)" : observers[0].second->notes().c_str());

  std::vector<Client> clients;
  for (int round = 0; round < kRounds; ++round) {
    // All CPUs' clients at once: every thread sleeps in poll() while the timers run.
    std::vector<std::thread> threads;
    std::vector<std::vector<Client>> per_cpu(cpus.size());
    for (size_t i = 0; i < cpus.size(); ++i)
      threads.emplace_back([&, i] { per_cpu[i] = clients_on(cpus[i], full.port); });
    for (auto& t : threads) t.join();
    for (auto& v : per_cpu) clients.insert(clients.end(), v.begin(), v.end());
  }
  int timed_out = 0;
  for (const auto& c : clients) timed_out += c.error == ETIMEDOUT;
  EXPECT_EQ(timed_out, int(clients.size())) << timed_out << "/" << clients.size() << " clients failed with ETIMEDOUT";

  // The error is visible to the client before its tracepoints have all returned:
  // wait (bounded) for the observers to drain.
  sample_until([&] {
    for (auto& [name, obs] : observers)
      if (!tally(*obs, clients).complete(clients.size())) return false;
    return true;
  }, Clock::now() + scaled(2000ms), 10ms);
  for (auto& [name, obs] : observers) {
    const Tally t = tally(*obs, clients);
    std::string where;
    for (auto [cpu, n] : t.missing_per_cpu) where += " cpu" + std::to_string(cpu) + ":" + std::to_string(n);
    const std::string n = std::to_string(clients.size());
    EXPECT_TRUE(t.complete(clients.size()))
        << name << ": SYN retransmit " << t.rtx << "/" << n << ", SYN_SENT->CLOSE " << t.close << "/" << n
        << ", ETIMEDOUT report " << t.error << "/" << n << ", lost=" << obs->lost()
        << (where.empty() ? "" : ", clients with gaps by cpu:" + where);
  }
}

}  // namespace
