#include "tests/trace_observer/loopback_tcp.hpp"

#include <sys/socket.h>

#include <cstdio>

#include "fixtures/loopback.hpp"
#include "netns/sys/errors.hpp"
#include "netns/wire/tcp_state.hpp"

namespace crashlab::trace_test {

UniqueFd tcp_socket() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw_errno("socket");
  return fd;
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

UniqueFd bound_socket(uint16_t port, int backlog) {
  UniqueFd l = tcp_socket();
  const sockaddr_in a = loopback(port);
  if (::bind(l.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) throw_errno("bind");
  if (backlog >= 0 && ::listen(l.get(), backlog) != 0) throw_errno("listen");
  return l;
}

uint64_t socket_of(const std::vector<KernelEvent>& evs, uint16_t sport) {
  for (const auto& ev : evs)
    if (ev.kind == KernelEvent::Kind::StateChange && ev.sport == sport) return ev.skaddr;
  return 0;
}

bool is_transition(const KernelEvent& ev, uint64_t sk, int from, int to) {
  return ev.kind == KernelEvent::Kind::StateChange && ev.skaddr == sk && ev.oldstate == from && ev.newstate == to;
}

testing::AssertionResult changed_within(const std::vector<KernelEvent>& evs, uint64_t sk, int from, int to,
                                        const Window& w) {
  const std::string what = w.what + ": " + tcp_state_name(from) + "->" + tcp_state_name(to);
  for (const auto& ev : evs) {
    if (!is_transition(ev, sk, from, to)) continue;
    const bool inside = ev.t_ns >= w.before && ev.t_ns <= w.after;
    const std::string where = what + " at call+" + std::to_string((ev.t_ns - w.before) / 1000) + "us, " +
                              std::to_string((w.after - ev.t_ns) / 1000) + "us before return";
    return inside ? testing::AssertionSuccess() << where : testing::AssertionFailure() << where;
  }
  return testing::AssertionFailure() << what << " not recorded";
}

bool sorted_by_time(const std::vector<KernelEvent>& evs) {
  for (size_t i = 1; i < evs.size(); ++i)
    if (evs[i].t_ns < evs[i - 1].t_ns) return false;
  return true;
}

void print_events(const std::vector<KernelEvent>& evs, int64_t t0) {
  for (const auto& ev : evs)
    if (ev.t_ns >= t0) std::printf("  %+10.1fus  %s\n", double(ev.t_ns - t0) / 1e3, to_string(ev).c_str());
}

}  // namespace crashlab::trace_test
