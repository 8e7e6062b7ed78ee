#pragma once
// Loopback TCP driven by hand and the kernel events it must produce, for the
// tracepoint observer's tests.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "netns/sys/clock.hpp"
#include "netns/observe/trace/kernel_event.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab::trace_test {

// Kernel TCP state numbers (include/net/tcp_states.h).
constexpr int ESTABLISHED = 1, SYN_SENT = 2, FIN_WAIT1 = 4, FIN_WAIT2 = 5, CLOSE = 7, CLOSE_WAIT = 8,
              LAST_ACK = 9, LISTEN = 10;

UniqueFd tcp_socket();
UniqueFd connect_to(uint16_t port);  // blocking connect to 127.0.0.1:port
UniqueFd accept_one(int listener);
UniqueFd bound_socket(uint16_t port = 0, int backlog = -1);  // on 127.0.0.1; listening unless backlog < 0

// [before, after] monotonic_ns() around one syscall, to place kernel events against.
struct Window {
  std::string what;
  int64_t before, after;
};

template <class F>
Window timed(const std::string& what, F&& f) {
  Window w{what, monotonic_ns(), 0};
  f();
  w.after = monotonic_ns();
  return w;
}

// Which socket is bound to `sport`: the skaddr of its first state change with that port.
// (A connecting socket's CLOSE->SYN_SENT still has sport 0, so match later ones by skaddr.)
uint64_t socket_of(const std::vector<KernelEvent>& evs, uint16_t sport);

bool is_transition(const KernelEvent& ev, uint64_t sk, int from, int to);

// Socket `sk` changed state `from`->`to` inside `w`; the message says where in the window.
testing::AssertionResult changed_within(const std::vector<KernelEvent>& evs, uint64_t sk, int from, int to,
                                        const Window& w);

bool sorted_by_time(const std::vector<KernelEvent>& evs);

// The events at or after t0, one a line, timed from t0: for the test's log.
void print_events(const std::vector<KernelEvent>& evs, int64_t t0);

}  // namespace crashlab::trace_test
