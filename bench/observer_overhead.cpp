// Part 1 of make bench's observer benchmark: what observing a connection costs (see observer_bench.cpp).
#include "bench/observer_bench_common.hpp"
#include "bench/observer_parts.hpp"

namespace crashlab::bench {

// ---- part 1: overhead -------------------------------------------------------------

enum Mode { kNone, kTrace, kDiag, kBoth, kModes };
const char* const kModeNames[kModes] = {"no observer", "tracepoints", "sock_diag 1ms", "both (a case)"};

struct Sample {
  double conn_ms = 0, bulk_ms = 0, cpu_ms = 0;
  double conn_thread_cpu_ms = 0, conn_switches = 0;  // the connecting thread's own
  size_t state_changes = 0;  // tracepoint modes: recorded for the port
  uint64_t lost = 0;
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

}  // namespace crashlab::bench
