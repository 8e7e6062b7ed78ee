#pragma once
// A loopback socket bound (not yet listening) and a TraceObserver on its port.
#include <sys/socket.h>

#include <cstdio>
#include <memory>

#include "fixtures/loopback.hpp"
#include "fixtures/tracing.hpp"
#include "netns/sys/errors.hpp"
#include "netns/observe/trace/trace_observer.hpp"
#include "tests/trace_observer/loopback_tcp.hpp"

namespace crashlab::trace_test {

class ObservedListener : public TracingTest {
 protected:
  void SetUp() override {
    TracingTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    listener = bound_socket();
    port = local_port(listener.get());
    const int64_t t_start = monotonic_ns();
    obs = TraceObserver::start({port});
    std::printf("observer on port %u started in %.1f ms; notes: %s\n", port, double(monotonic_ns() - t_start) / 1e6,
                obs->notes().empty() ? "(none)" : obs->notes().c_str());
  }

  // listen() on the observed socket, timed.
  Window start_listening(int backlog = 8) {
    return timed("listen", [&] {
      if (::listen(listener.get(), backlog) != 0) throw_errno("listen");
    });
  }

  UniqueFd listener;
  uint16_t port = 0;
  std::unique_ptr<TraceObserver> obs;
};

}  // namespace crashlab::trace_test
