// Part 2 of make bench's observer benchmark: how late each observer's clock reading is (see observer_bench.cpp).
#include "bench/observer_bench_common.hpp"
#include "bench/observer_parts.hpp"

namespace crashlab::bench {

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

}  // namespace crashlab::bench
