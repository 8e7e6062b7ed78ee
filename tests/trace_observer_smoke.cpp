// Smoke test for TraceObserver: a graceful TCP connection and a reset on 127.0.0.1,
// observed through kernel tracepoints. Exit 0 = pass, 1 = fail, 2 = tracing unavailable.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "fixtures/loopback.hpp"
#include "netns/clock.hpp"
#include "netns/errors.hpp"
#include "netns/tcp_state.hpp"
#include "netns/observe/trace_observer.hpp"
#include "netns/unique_fd.hpp"
#include "netns/wait.hpp"

using namespace crashlab;
using namespace std::chrono_literals;

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("  [%s] %s\n", ok ? "ok" : "FAIL", what.c_str());
  if (!ok) ++failures;
}

int tracefs_mounts(const char* mountinfo) {
  std::ifstream in(mountinfo);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(" - tracefs ") != std::string::npos;
  return n;
}

UniqueFd tcp_socket() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw_errno("socket");
  return fd;
}

// [before, after] monotonic_ns() around one syscall, to place kernel events against.
struct Window {
  const char* what;
  int64_t before, after;
};

template <class F>
Window timed(const char* what, F&& f) {
  Window w{what, monotonic_ns(), 0};
  f();
  w.after = monotonic_ns();
  return w;
}

UniqueFd connect_to(uint16_t port) {
  UniqueFd c = tcp_socket();
  const sockaddr_in a = loopback(port);
  if (::connect(c.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) throw_errno("connect");
  return c;
}

UniqueFd accept_one(int listener) {
  UniqueFd s(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (!s) throw_errno("accept");
  return s;
}

void print_events(const std::vector<KernelEvent>& evs, int64_t t0) {
  for (const auto& ev : evs)
    std::printf("  %+10.1fus  %s\n", double(ev.t_ns - t0) / 1e3, to_string(ev).c_str());
}

// Which socket is bound to `sport`: the skaddr of its first state change with that port.
// (A connecting socket's CLOSE->SYN_SENT still has sport 0, so match later ones by skaddr.)
uint64_t socket_of(const std::vector<KernelEvent>& evs, uint16_t sport) {
  for (const auto& ev : evs)
    if (ev.kind == KernelEvent::Kind::StateChange && ev.sport == sport) return ev.skaddr;
  return 0;
}

bool is_transition(const KernelEvent& ev, uint64_t sk, int from, int to) {
  return ev.kind == KernelEvent::Kind::StateChange && ev.skaddr == sk && ev.oldstate == from && ev.newstate == to;
}

// Socket `sk` changed state `from`->`to` inside `w`; prints where in the window.
void expect_in_window(const std::vector<KernelEvent>& evs, uint64_t sk, int from, int to, const Window& w) {
  const std::string what = std::string(w.what) + ": " + tcp_state_name(from) + "->" + tcp_state_name(to);
  for (const auto& ev : evs) {
    if (!is_transition(ev, sk, from, to)) continue;
    const bool inside = ev.t_ns >= w.before && ev.t_ns <= w.after;
    check(inside, what + " at call+" + std::to_string((ev.t_ns - w.before) / 1000) + "us, " +
                      std::to_string((w.after - ev.t_ns) / 1000) + "us before return");
    return;
  }
  check(false, what + " not recorded");
}

bool sorted_by_time(const std::vector<KernelEvent>& evs) {
  for (size_t i = 1; i < evs.size(); ++i)
    if (evs[i].t_ns < evs[i - 1].t_ns) return false;
  return true;
}

constexpr int ESTABLISHED = 1, SYN_SENT = 2, FIN_WAIT1 = 4, FIN_WAIT2 = 5, CLOSE = 7, CLOSE_WAIT = 8,
              LAST_ACK = 9, LISTEN = 10;

void graceful(TraceObserver& obs, int listener, uint16_t port) {
  std::printf("graceful close (client closes first):\n");
  const int64_t t0 = monotonic_ns();
  UniqueFd client, server;
  const Window w_connect = timed("connect", [&] { client = connect_to(port); });
  server = accept_one(listener);
  const uint16_t cport = local_port(client.get());
  const Window w_close_client = timed("close(client)", [&] { client.reset(); });
  char byte;
  check(::read(server.get(), &byte, 1) == 0, "server reads EOF");
  const Window w_close_server = timed("close(server)", [&] { server.reset(); });

  const auto last = obs.wait_for([&](const KernelEvent& ev) {
    return ev.kind == KernelEvent::Kind::StateChange && ev.sport == port && ev.dport == cport &&
           ev.oldstate == LAST_ACK && ev.newstate == CLOSE;
  }, 2s);
  check(last.has_value(), "server LAST_ACK->CLOSE seen");
  const auto evs = obs.events();
  print_events(evs, t0);
  check(sorted_by_time(evs), "events sorted by CLOCK_MONOTONIC time");
  const uint64_t csk = socket_of(evs, cport), ssk = last ? last->skaddr : 0;
  expect_in_window(evs, csk, CLOSE, SYN_SENT, w_connect);
  expect_in_window(evs, csk, SYN_SENT, ESTABLISHED, w_connect);
  expect_in_window(evs, csk, ESTABLISHED, FIN_WAIT1, w_close_client);
  expect_in_window(evs, ssk, ESTABLISHED, CLOSE_WAIT, w_close_client);
  expect_in_window(evs, ssk, CLOSE_WAIT, LAST_ACK, w_close_server);
  // The ACK of the client's FIN may be delayed and ride on the server's FIN.
  const Window closing{"close sequence", w_close_client.before, w_close_server.after};
  expect_in_window(evs, csk, FIN_WAIT1, FIN_WAIT2, closing);
  bool time_wait = false;
  for (const auto& ev : evs) time_wait |= ev.skaddr == csk && ev.newstate == tcp_state_from_name("TIME_WAIT");
  std::printf("  note: client TIME_WAIT transition %s\n", time_wait ? "recorded" : "not reported by the kernel");
}

void reset(TraceObserver& obs, int listener, uint16_t port) {
  std::printf("reset (server closes with unread data):\n");
  const int64_t t0 = monotonic_ns();
  UniqueFd client = connect_to(port);
  UniqueFd server = accept_one(listener);
  const uint16_t cport = local_port(client.get());
  if (::write(client.get(), "unread", 6) != 6) throw_errno("write");
  pollfd p{server.get(), POLLIN, 0};
  ::poll(&p, 1, 1000);  // the data must be queued at the server before it closes
  server.reset();

  const auto rx = obs.wait_for([&](const KernelEvent& ev) {
    return ev.kind == KernelEvent::Kind::ReceiveReset && ev.sport == cport;
  }, 2s);
  check(rx.has_value(), "client tcp_receive_reset");
  const auto err = obs.wait_for([&](const KernelEvent& ev) {
    return ev.kind == KernelEvent::Kind::ErrorReport && ev.sport == cport;
  }, 2s);
  check(err && err->error == ECONNRESET, "client inet_sk_error_report ECONNRESET");
  const auto tx = obs.wait_for([&](const KernelEvent& ev) {
    return ev.kind == KernelEvent::Kind::SendReset && ev.sport == port && ev.dport == cport;
  }, 2s);
  check(tx.has_value(), "server tcp_send_reset " + (tx ? tx->reason : std::string("-")));
  char buf[8];
  check(::read(client.get(), buf, sizeof buf) < 0 && errno == ECONNRESET, "client read -> ECONNRESET");

  std::vector<KernelEvent> mine;
  for (const auto& ev : obs.events())
    if (ev.t_ns >= t0) mine.push_back(ev);
  print_events(mine, t0);
}

UniqueFd listening_socket(uint16_t port = 0) {
  UniqueFd l = tcp_socket();
  const sockaddr_in a = loopback(port);
  if (::bind(l.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) throw_errno("bind");
  if (::listen(l.get(), 64) != 0) throw_errno("listen");
  return l;
}

// Enough connections to fill many trace-buffer pages on every CPU while the reader
// drains them, plus traffic on an unobserved port that must be filtered out.
void bulk(TraceObserver& obs, int listener, uint16_t port) {
  constexpr int kConnections = 400;
  std::printf("bulk: %d connections (10 state changes each) + 1 on an unobserved port:\n", kConnections);
  const int64_t t0 = monotonic_ns();
  UniqueFd other = listening_socket();
  const uint16_t other_port = local_port(other.get());
  for (int i = 0; i < kConnections; ++i) {
    UniqueFd c = connect_to(port);
    UniqueFd s = accept_one(listener);
    c.reset();
    char byte;
    if (::read(s.get(), &byte, 1) != 0) throw_errno("read");
  }
  { UniqueFd c = connect_to(other_port), s = accept_one(other.get()); }
  size_t changes = 0, foreign = 0;
  auto count = [&] {
    changes = foreign = 0;
    for (const auto& ev : obs.events()) {
      if (ev.t_ns < t0) continue;
      changes += ev.kind == KernelEvent::Kind::StateChange;
      foreign += ev.sport != port && ev.dport != port;
    }
    return changes >= 10u * kConnections;
  };
  // The last FIN/ACK exchanges finish in softirq after close() returns.
  sample_until(count, Clock::now() + 3s);
  check(changes == 10u * kConnections, std::to_string(changes) + " state changes recorded");
  check(foreign == 0, "nothing from port " + std::to_string(other_port) + " recorded");
  check(obs.lost() == 0, "lost=" + std::to_string(obs.lost()));
}

// A SYN the listener drops (its accept queue is full) is retransmitted after ~1s, from
// the timer softirq. Uses a second observer on its own port, so two observers run side
// by side (sharing the process's tracing session: starting it only subscribes a port).
void retransmit() {
  std::printf("retransmit (SYN to a listener with a full accept queue):\n");
  UniqueFd l = tcp_socket();
  const sockaddr_in any = loopback(0);
  if (::bind(l.get(), reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0) throw_errno("bind");
  if (::listen(l.get(), 0) != 0) throw_errno("listen");
  const uint16_t port = local_port(l.get());
  const int64_t t_start = monotonic_ns();
  auto obs = TraceObserver::start({port});
  std::printf("  second observer started in %.2f ms\n", double(monotonic_ns() - t_start) / 1e6);
  UniqueFd first = connect_to(port);  // fills the accept queue
  UniqueFd second = tcp_socket();
  ::fcntl(second.get(), F_SETFL, O_NONBLOCK);
  const sockaddr_in a = loopback(port);
  ::connect(second.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a);
  const uint16_t cport = local_port(second.get());
  const auto rtx = obs->wait_for([&](const KernelEvent& ev) {
    return ev.kind == KernelEvent::Kind::Retransmit && ev.sport == cport;
  }, 3s);
  check(rtx.has_value(), "tcp_retransmit_skb: " + (rtx ? to_string(*rtx) : std::string("none")));
}

// The same observer sees IPv6 sockets; addresses come from the saddr_v6/daddr_v6 fields.
void ipv6(TraceObserver& obs, uint16_t port) {
  std::printf("ipv6 on [::1]:%u:\n", port);
  UniqueFd l(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  a.sin6_addr = in6addr_loopback;
  if (!l || ::bind(l.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 || ::listen(l.get(), 1) != 0) {
    std::printf("  skipped: no IPv6 loopback (%s)\n", errno_name(errno).c_str());
    return;
  }
  const int64_t t0 = monotonic_ns();  // wait_for also sees earlier (IPv4) events
  UniqueFd c(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(c.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) throw_errno("connect6");
  const auto est = obs.wait_for([&](const KernelEvent& ev) {
    return ev.t_ns >= t0 && ev.kind == KernelEvent::Kind::StateChange && ev.dport == port &&
           ev.newstate == ESTABLISHED;
  }, 2s);
  check(est && est->saddr == "::1" && est->daddr == "::1", "IPv6 event: " + (est ? to_string(*est) : std::string("none")));
}

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void idle_cpu() {
  const double before = cpu_seconds();
  std::this_thread::sleep_for(500ms);
  const double used = cpu_seconds() - before;
  check(used < 0.01, "idle for 500ms used " + std::to_string(used * 1e3) + "ms CPU (no busy loop)");
}

int run() {
  const int mounts_before = tracefs_mounts("/proc/1/mountinfo");
  const int own_mounts_before = tracefs_mounts("/proc/self/mountinfo");
  if (auto why = trace_unavailable_reason()) {
    std::printf("trace_unavailable_reason: %s\n", why->c_str());
    try {
      TraceObserver::start({5001});
      std::printf("FAIL: start() succeeded although the probe said unavailable\n");
      return 1;
    } catch (const TraceUnavailable& e) {
      std::printf("TraceUnavailable: %s\n", e.what());
      return 2;
    }
  }
  UniqueFd listener = tcp_socket();
  const sockaddr_in any = loopback(0);
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0) throw_errno("bind");
  const uint16_t port = local_port(listener.get());

  const int64_t t_start = monotonic_ns();
  auto obs = TraceObserver::start({port});
  std::printf("observer on port %u started in %.1f ms; notes: %s\n", port, double(monotonic_ns() - t_start) / 1e6,
              obs->notes().empty() ? "(none)" : obs->notes().c_str());
  const Window w_listen = timed("listen", [&] {
    if (::listen(listener.get(), 8) != 0) throw_errno("listen");
  });
  expect_in_window(obs->events(), socket_of(obs->events(), port), CLOSE, LISTEN, w_listen);

  graceful(*obs, listener.get(), port);
  reset(*obs, listener.get(), port);
  bulk(*obs, listener.get(), port);
  ipv6(*obs, port);
  retransmit();
  idle_cpu();

  // Close the listener from another thread while wait_for blocks: exercises the reader
  // thread's poll wakeup rather than wait_for's initial drain.
  const uint64_t lsk = socket_of(obs->events(), port);
  std::thread closer([&] {
    std::this_thread::sleep_for(100ms);
    listener.reset();
  });
  const auto closed = obs->wait_for([&](const KernelEvent& ev) { return is_transition(ev, lsk, LISTEN, CLOSE); }, 2s);
  const int64_t woke = monotonic_ns();
  closer.join();
  check(closed.has_value(), "listener LISTEN->CLOSE via wait_for, woke " +
                                (closed ? std::to_string((woke - closed->t_ns) / 1000) : std::string("-")) +
                                "us after the event");
  std::printf("lost=%llu\n", static_cast<unsigned long long>(obs->lost()));
  obs.reset();

  check(tracefs_mounts("/proc/1/mountinfo") == mounts_before, "no new tracefs mount in /proc/1/mountinfo");
  check(tracefs_mounts("/proc/self/mountinfo") == own_mounts_before, "no new tracefs mount in our namespace");
  std::printf("%s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
  return failures ? 1 : 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const std::exception& e) {
    std::printf("FAIL: exception: %s\n", e.what());
    return 1;
  }
}
