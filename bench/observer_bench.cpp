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
#include "bench/observer_bench_common.hpp"
#include "bench/observer_parts.hpp"

using namespace crashlab;
using namespace crashlab::bench;

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

