// make bench: what observing a connection costs, and how late each observer's clock
// reading is. Needs root (namespaces, tracepoints); exits 2 if the tracepoints
// cannot be opened, 1 on any other failure.
//
// Part 1, overhead. One workload between two namespaces joined by a veth pair (a fresh
// Direct topology per round, so no TIME_WAIT sockets pile up from round to round):
//   - N short connections, one after the other: socket, connect, accept, client
//     close, server reads EOF, server close (10 state changes per connection);
//   - one bulk transfer of B MiB, client to server.
// It runs with no observer, with the TraceObserver (ftrace tracepoints, kernel-filtered
// to the workload's port), with the DiagSampler (sock_diag dump of both namespaces
// every 1 ms), and with both (what a case runs). The modes are interleaved round by
// round, each round starting at a different mode, so all of them see the same
// machine. Printed: medians of the workload's wall time, of the connecting thread's own
// CPU time and context switches, and of the whole process's CPU time (the observers'
// own threads included), and each mode's ratio to no observer. A ratio near 1.00 means
// the observer costs nothing one can measure here; the spread between rounds of the
// same mode (min..max) says how much noise there is. Over veth the connecting thread
// never sleeps (the handshake and the FINs run in softirq inside its calls): more CPU
// in that thread is cost paid inline by whoever causes a traced event (the kernel
// writing the record and waking the reader); more switches and wall time than CPU is
// the thread being kept off the CPU by the observers' threads.
//
// Part 2, timestamp skew. R rounds between two crashlab-endpoint processes, with both
// observers on: the client connects, then the server closes with SO_LINGER 0, so the
// client's kernel takes a RST. For each transition both the kernel (tracepoint time)
// and the endpoint (its event's `t`) see, prints the distribution of
//     endpoint t - kernel t
// i.e. how long after the kernel's state change the application heard about it
// (poll wakeup, scheduling, the endpoint's own work). Both clocks are CLOCK_MONOTONIC,
// so a negative value would mean they disagree; `server close` (the transition happens
// inside the endpoint's own close() call) is that clock check. Then, for the same
// transitions, the sock_diag sampler's lag: the t it recorded for a state minus the
// tracepoint's t. That lag is how far a case's timeline is off when it has to fall
// back to sampling (no tracepoints): up to one sampling period plus one dump.
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "netns/clock.hpp"
#include "netns/observe/diag_sampler.hpp"
#include "netns/client/bring_up.hpp"
#include "netns/client/endpoint_client.hpp"
#include "netns/errors.hpp"
#include "netns/tcp_state.hpp"
#include "netns/topology.hpp"
#include "netns/observe/trace_observer.hpp"
#include "netns/unique_fd.hpp"
#include "netns/wait.hpp"

using namespace crashlab;
using namespace std::chrono_literals;

namespace {

constexpr int ESTABLISHED = 1, SYN_SENT = 2, SYN_RECV = 3, CLOSE = 7;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Nearest-rank percentile.
double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = size_t(p / 100.0 * double(v.size()) + 0.999999);
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

// CPU time (ms) and context switches of the whole process or of the calling thread.
struct Usage {
  double cpu_ms = 0, switches = 0;
  Usage operator-(const Usage& o) const { return {cpu_ms - o.cpu_ms, switches - o.switches}; }
};

Usage usage(int who = RUSAGE_SELF) {
  rusage ru{};
  ::getrusage(who, &ru);
  return {double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
              double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3,
          double(ru.ru_nvcsw + ru.ru_nivcsw)};
}

// Ports below the case runner's range (20000-49999) and the ephemeral range.
uint16_t fresh_port() {
  static uint32_t next = 10000 + std::random_device{}() % 9000;
  return uint16_t(next++);
}

sockaddr_in ipv4(const std::string& addr, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, addr.c_str(), &a.sin_addr) != 1) throw std::runtime_error("bad address " + addr);
  return a;
}

UniqueFd tcp_socket() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw_errno("socket");
  return fd;
}

// Topology returns once the links are set up, but the kernel activates a link's queueing
// discipline a moment later (linkwatch, a workqueue); a packet sent before that is dropped,
// and a dropped SYN costs a 1 s retransmission. IFF_RUNNING is set in that same step.
void wait_link_running(const NetNs& ns) {
  UniqueFd probe = ns.run([] { return tcp_socket(); });
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", Host::kIfname);
  const bool running = sample_until(
      [&] { return ::ioctl(probe.get(), SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_RUNNING); },
      Clock::now() + scaled(2000ms));
  if (!running) throw std::runtime_error("eth0 not running 2 s after the topology was made");
}

std::unique_ptr<Topology> ready_topology() {
  auto topo = std::make_unique<Topology>(TopologyOptions{TopologyKind::Direct});
  for (Role r : {Role::Server, Role::Client}) wait_link_running(topo->host(r).ns());
  return topo;
}

// ---- part 1: overhead -------------------------------------------------------------

enum Mode { kNone, kTrace, kDiag, kBoth, kModes };
const char* const kModeNames[kModes] = {"no observer", "tracepoints", "sock_diag 1ms", "both (a case)"};

struct Sample {
  double conn_ms = 0, bulk_ms = 0, cpu_ms = 0;
  double conn_thread_cpu_ms = 0, conn_switches = 0;  // the connecting thread's own
  size_t state_changes = 0;  // tracepoint modes: recorded for the port
  uint64_t lost = 0;
};

struct Workload {
  int connections;
  size_t bulk_bytes;
};

UniqueFd listen_in(const NetNs& ns, const sockaddr_in& at) {
  return ns.run([&] {
    UniqueFd l = tcp_socket();
    int one = 1;
    ::setsockopt(l.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(l.get(), reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) throw_errno("bind");
    if (::listen(l.get(), 128) != 0) throw_errno("listen");
    return l;
  });
}

struct Timed {
  double wall_ms;
  Usage thread;
};

// Connect/accept/close, N times, from a thread inside the client's namespace. Over a
// veth pair the whole exchange happens in softirq within these calls: the thread never
// has to sleep, so wall time beyond its own CPU time is time it was kept off the CPU.
Timed connections(const NetNs& client_ns, int listener, const sockaddr_in& server, int n) {
  return client_ns.run([&] {
    const Usage u0 = usage(RUSAGE_THREAD);
    const int64_t t0 = monotonic_ns();
    for (int i = 0; i < n; ++i) {
      UniqueFd c = tcp_socket();
      if (::connect(c.get(), reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) throw_errno("connect");
      UniqueFd s(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
      if (!s) throw_errno("accept");
      c.reset();
      char byte;
      if (::read(s.get(), &byte, 1) != 0) throw_errno("read (expected EOF)");
    }
    return Timed{double(monotonic_ns() - t0) / 1e6, usage(RUSAGE_THREAD) - u0};
  });
}

// One connection, `bytes` from client to server, until the server has read them all.
double bulk(const NetNs& client_ns, int listener, const sockaddr_in& server, size_t bytes) {
  UniqueFd c = client_ns.run([] { return tcp_socket(); });  // a socket stays in its namespace
  const int64_t t0 = monotonic_ns();
  if (::connect(c.get(), reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) throw_errno("connect");
  UniqueFd s(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (!s) throw_errno("accept");
  size_t got = 0;
  std::thread reader([&] {
    std::vector<char> buf(256 * 1024);
    for (ssize_t n; (n = ::read(s.get(), buf.data(), buf.size())) > 0;) got += size_t(n);
  });
  std::vector<char> chunk(256 * 1024, 'x');
  for (size_t sent = 0; sent < bytes;) {
    const ssize_t n = ::write(c.get(), chunk.data(), std::min(chunk.size(), bytes - sent));
    if (n <= 0) {
      const int err = errno;
      c.reset();
      reader.join();
      throw_errno("write", err);
    }
    sent += size_t(n);
  }
  c.reset();
  reader.join();
  if (got != bytes) throw std::runtime_error("bulk: server read " + std::to_string(got) + " bytes");
  return double(monotonic_ns() - t0) / 1e6;
}

Sample run_round(Mode mode, const Workload& w) {
  const auto owned = ready_topology();
  Topology& topo = *owned;
  const NetNs& server_ns = topo.host(Role::Server).ns();
  const NetNs& client_ns = topo.host(Role::Client).ns();
  const uint16_t port = fresh_port();
  const sockaddr_in server = ipv4(topo.address(Role::Server), port);
  UniqueFd listener = listen_in(server_ns, server);
  connections(client_ns, listener.get(), server, 1);  // unmeasured: resolves ARP

  std::unique_ptr<TraceObserver> trace;
  std::unique_ptr<DiagSampler> diag;
  if (mode == kTrace || mode == kBoth) trace = TraceObserver::start({port});
  if (mode == kDiag || mode == kBoth) {
    diag = std::make_unique<DiagSampler>(port);
    diag->watch(server_ns);
    diag->watch(client_ns);
  }
  Sample s;
  const Usage u0 = usage();
  const Timed conn = connections(client_ns, listener.get(), server, w.connections);
  s.conn_ms = conn.wall_ms;
  s.conn_thread_cpu_ms = conn.thread.cpu_ms;
  s.conn_switches = conn.thread.switches;
  s.bulk_ms = bulk(client_ns, listener.get(), server, w.bulk_bytes);
  if (trace) {  // the observer's share of the work: decoding what the workload caused
    for (const auto& ev : trace->events()) s.state_changes += ev.kind == KernelEvent::Kind::StateChange;
    s.lost = trace->lost();
  }
  s.cpu_ms = (usage() - u0).cpu_ms;
  diag.reset();  // its diag sockets pin the namespaces
  trace.reset();
  return s;
}

void overhead(int rounds, const Workload& w) {
  std::printf("observer overhead: %d connections (connect/accept/close) + %zu MiB bulk over a veth pair,\n"
              "%d interleaved rounds per mode, medians (min..max):\n",
              w.connections, w.bulk_bytes >> 20, rounds);
  for (int m = 0; m < kModes; ++m) run_round(Mode(m), {5, 1 << 20});  // warm-up
  std::vector<Sample> samples[kModes];
  for (int r = 0; r < rounds; ++r)
    for (int i = 0; i < kModes; ++i) {
      const Mode m = Mode((r + i) % kModes);
      samples[m].push_back(run_round(m, w));
    }
  auto pick = [](const std::vector<Sample>& v, double Sample::*f) {
    std::vector<double> out;
    for (const auto& s : v) out.push_back(s.*f);
    return out;
  };
  const double base_conn = median(pick(samples[kNone], &Sample::conn_ms));
  const double base_bulk = median(pick(samples[kNone], &Sample::bulk_ms));
  const double base_cpu = median(pick(samples[kNone], &Sample::cpu_ms));
  std::printf("  %-14s %28s %16s %26s %15s\n", "", "connections: wall ms", "its thread's", "bulk: wall ms",
              "process");
  std::printf("  %-14s %28s %16s %26s %15s\n", "", "", "CPU ms  switches", "", "CPU ms");
  for (int m = 0; m < kModes; ++m) {
    const auto conn = pick(samples[m], &Sample::conn_ms), bk = pick(samples[m], &Sample::bulk_ms),
               cpu = pick(samples[m], &Sample::cpu_ms);
    const auto [cmin, cmax] = std::minmax_element(conn.begin(), conn.end());
    const auto [bmin, bmax] = std::minmax_element(bk.begin(), bk.end());
    std::printf("  %-14s %7.1f (%6.1f..%6.1f) %5.2fx %6.1f %9.0f %7.1f (%5.1f..%5.1f) %5.2fx %7.1f %5.2fx\n",
                kModeNames[m], median(conn), *cmin, *cmax, median(conn) / base_conn,
                median(pick(samples[m], &Sample::conn_thread_cpu_ms)), median(pick(samples[m], &Sample::conn_switches)),
                median(bk), *bmin, *bmax, median(bk) / base_bulk, median(cpu), median(cpu) / base_cpu);
  }
  std::printf("  per connection: %.1f us without an observer, %.1f us with tracepoints, %.1f us with sock_diag;"
              " bulk: %.0f MB/s without an observer\n",
              base_conn * 1e3 / w.connections, median(pick(samples[kTrace], &Sample::conn_ms)) * 1e3 / w.connections,
              median(pick(samples[kDiag], &Sample::conn_ms)) * 1e3 / w.connections,
              double(w.bulk_bytes) / 1e6 / (base_bulk / 1e3));
  std::vector<double> changes;
  uint64_t lost = 0;
  for (Mode m : {kTrace, kBoth})
    for (const auto& s : samples[m]) changes.push_back(double(s.state_changes)), lost += s.lost;
  const auto [lo, hi] = std::minmax_element(changes.begin(), changes.end());
  std::printf("  tracepoints recorded %.0f..%.0f state changes per round (the workload makes %d), %llu lost\n", *lo,
              *hi, 10 * (w.connections + 1), static_cast<unsigned long long>(lost));
}

// ---- part 2: timestamp skew ---------------------------------------------------------

int64_t t_of(const AppEvent& e) { return e.t_ns; }

ConnKey key_of(const AppEvent& connected) {
  auto [la, lp] = split_endpoint(connected.raw.at("local").get<std::string>());
  auto [ra, rp] = split_endpoint(connected.raw.at("peer").get<std::string>());
  return ConnKey{la, lp, ra, rp};
}

struct Distribution {
  std::string what;
  std::vector<double> us;
  void add(int64_t ns) { us.push_back(double(ns) / 1e3); }
  void print() const {
    if (us.empty()) {
      std::printf("  %-46s   no pairs\n", what.c_str());
      return;
    }
    std::printf("  %-46s %8.1f %8.1f %8.1f %8.1f  (n=%zu)\n", what.c_str(), percentile(us, 0), median(us),
                percentile(us, 95), percentile(us, 100), us.size());
  }
};

// The tracepoint time of sk-with-local-port `sport`'s from->to, at or after t0.
std::optional<int64_t> kernel_t(const std::vector<KernelEvent>& evs, uint16_t sport, uint16_t dport, int from, int to,
                                int64_t t0) {
  for (const auto& ev : evs)
    if (ev.t_ns >= t0 && ev.kind == KernelEvent::Kind::StateChange && ev.sport == sport && ev.dport == dport &&
        ev.oldstate == from && ev.newstate == to)
      return ev.t_ns;
  return std::nullopt;
}

// The sampler's first record of `state` for this side at or after t0.
std::optional<int64_t> sampled_t(DiagSampler& diag, const ConnKey& side, int state, int64_t t0) {
  for (const auto& s : diag.states(side))
    if (s.t_ns >= t0 && s.state == state) return s.t_ns;
  return std::nullopt;
}

void skew(int rounds) {
  std::printf("\ntimestamp skew: %d connections between two crashlab-endpoint processes, each ended by a RST\n"
              "(server closes with SO_LINGER 0); microseconds, min / median / p95 / max:\n",
              rounds);
  const auto owned = ready_topology();
  Topology& topo = *owned;
  const NetNs& server_ns = topo.host(Role::Server).ns();
  const NetNs& client_ns = topo.host(Role::Client).ns();
  const uint16_t port = fresh_port();
  const std::string saddr = topo.address(Role::Server);
  auto trace = TraceObserver::start({port});
  DiagSampler diag(port);
  diag.watch(server_ns);
  diag.watch(client_ns);
  {
    EndpointClient server(server_ns, "server"), client(client_ns, "client");
    server.listen(saddr, port);
    client.expect(AppEventKind::Ok, client.set_reading(true));  // the RST then surfaces as error op recv

    Distribution connected{"client connected - SYN_SENT->ESTABLISHED", {}},
        accepted{"server accepted - SYN_RECV->ESTABLISHED", {}},
        reset{"client error (RST) - ESTABLISHED->CLOSE", {}},
        closed{"server closed - ESTABLISHED->CLOSE (clock check)", {}},
        lag_cest{"client ESTABLISHED", {}}, lag_sest{"server ESTABLISHED", {}}, lag_cclose{"client CLOSE (RST)", {}},
        lag_sclose{"server CLOSE", {}};
    int missing = 0;
    std::string errnos;
    const auto bound = scaled(5000ms);
    // The rounds are paced by waits that poll the sampler; a random pause before each
    // transition keeps them from locking onto the sampler's phase.
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> phase_us(0, 2000);
    for (int r = 0; r < rounds; ++r) {
      std::this_thread::sleep_for(std::chrono::microseconds(phase_us(rng)));
      const int64_t t0 = monotonic_ns();
      const int64_t accept_id = server.arm_accept({{"SO_LINGER", 0}});
      const ConnectedEnds ends = connect_accepted(client, {saddr, port}, server, accept_id, bound);
      const AppEvent &c = ends.connected, &a = ends.accepted;
      const ConnKey ck = key_of(c), sk = ck.reversed();
      // Both sides must be sampled ESTABLISHED before the reset, or the sampler never sees that state.
      const bool sampled = sample_until([&] { return sampled_t(diag, ck, ESTABLISHED, t0) &&
                                                     sampled_t(diag, sk, ESTABLISHED, t0); },
                                        Clock::now() + bound);
      std::this_thread::sleep_for(std::chrono::microseconds(phase_us(rng)));
      const AppEvent cl = server.expect(AppEventKind::Closed, server.close(bound));
      // Not after `closed`: the client can hear of the RST before the server stamps `closed`.
      const AppEvent err = client.wait_for(
          [&](const AppEvent& e) { return e.is(AppEventKind::Error) && e.t_ns >= t0; }, "client error", bound);
      if (errnos.find(err.error) == std::string::npos) errnos += " " + err.error;
      trace->wait_for([&](const KernelEvent& ev) {
        return ev.t_ns >= t0 && ev.sport == ck.local_port && ev.newstate == CLOSE;
      }, bound);
      sample_until([&] { return sampled_t(diag, ck, CLOSE, t0) && sampled_t(diag, sk, CLOSE, t0); },
                   Clock::now() + bound);
      const auto evs = trace->events();
      const auto k_cest = kernel_t(evs, ck.local_port, port, SYN_SENT, ESTABLISHED, t0);
      const auto k_sest = kernel_t(evs, port, ck.local_port, SYN_RECV, ESTABLISHED, t0);
      const auto k_cclose = kernel_t(evs, ck.local_port, port, ESTABLISHED, CLOSE, t0);
      const auto k_sclose = kernel_t(evs, port, ck.local_port, ESTABLISHED, CLOSE, t0);
      missing += !k_cest + !k_sest + !k_cclose + !k_sclose + !sampled;
      if (k_cest) connected.add(t_of(c) - *k_cest);
      if (k_sest) accepted.add(t_of(a) - *k_sest);
      if (k_cclose) reset.add(t_of(err) - *k_cclose);
      if (k_sclose) closed.add(t_of(cl) - *k_sclose);
      auto lag = [&](Distribution& d, const std::optional<int64_t>& k, const ConnKey& side, int state) {
        const auto s = sampled_t(diag, side, state, t0);
        if (!s) ++missing;  // (a missing tracepoint is counted above)
        else if (k) d.add(*s - *k);
      };
      lag(lag_cest, k_cest, ck, ESTABLISHED);
      lag(lag_sest, k_sest, sk, ESTABLISHED);
      lag(lag_cclose, k_cclose, ck, CLOSE);
      lag(lag_sclose, k_sclose, sk, CLOSE);
    }
    // What one sampler period adds to its interval: dumping the port's sockets (IPv4 and
    // IPv6) in both namespaces, as sample_once() does.
    const SockDiag sd_server(server_ns), sd_client(client_ns);
    std::vector<double> dumps, dump_cpu;
    for (int i = 0; i < 200; ++i) {
      const Usage u0 = usage(RUSAGE_THREAD);
      const int64_t d0 = monotonic_ns();
      sd_server.dump(port);
      sd_client.dump(port);
      dumps.push_back(double(monotonic_ns() - d0) / 1e3);
      dump_cpu.push_back((usage(RUSAGE_THREAD) - u0).cpu_ms * 1e3);
    }
    const double dump_us = median(dumps);
    std::printf("  endpoint t - tracepoint t                      %8s %8s %8s %8s\n", "min", "median", "p95", "max");
    for (const auto* d : {&connected, &accepted, &reset, &closed}) d->print();
    std::printf("  sock_diag sampler t - tracepoint t (it waits 1000 us after each sample; one sample of\n"
                "  both namespaces took %.0f us median here, %.0f us of it CPU, so a period is ~%.0f us\n"
                "  plus its wakeup latency)\n",
                dump_us, median(dump_cpu), 1000 + dump_us);
    for (const auto* d : {&lag_cest, &lag_sest, &lag_cclose, &lag_sclose}) d->print();
    std::printf("  client errors seen:%s; missing pairs: %d; kernel events lost: %llu\n", errnos.c_str(), missing,
                static_cast<unsigned long long>(trace->lost()));
    if (!closed.us.empty() && percentile(closed.us, 0) < 0)
      std::printf("  WARNING: an endpoint stamped an event before the kernel transition its own call caused: "
                  "the clocks disagree\n");
  }  // endpoints exit before the observers stop and the namespaces go
  diag.stop();
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(3, std::atoi(argv[1])) : 7;
  const int skew_rounds = argc > 2 ? std::max(5, std::atoi(argv[2])) : 50;
  if (auto why = trace_unavailable_reason()) {
    std::fprintf(stderr, "observer_bench: kernel tracepoints unavailable, nothing to measure: %s\n", why->c_str());
    return 2;
  }
  try {
    overhead(rounds, Workload{200, size_t(64) << 20});
    skew(skew_rounds);
    return 0;
  } catch (const TraceUnavailable& e) {
    std::fprintf(stderr, "observer_bench: kernel tracepoints unavailable: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "observer_bench: %s\n", e.what());
    return 1;
  }
}
