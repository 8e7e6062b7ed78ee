// Helper of instance_cleanup_test: starts a TraceObserver, says "ready" on stdout and
// waits to be killed. Exits 1 (without "ready") if the observer cannot start.
#include <unistd.h>

#include <cstdio>
#include <exception>

#include "netns/observe/trace/trace_observer.hpp"

int main() {
  try {
    auto obs = crashlab::TraceObserver::start({9});
    std::printf("ready\n");
    std::fflush(stdout);
    for (;;) ::pause();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "observer_holder: %s\n", e.what());
    return 1;
  }
}
