#include "runner/run/world/wait_world.hpp"

#include <poll.h>

#include <cerrno>
#include <vector>

#include "netns/sys/errors.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

bool wait_world_until(World& w, const std::function<bool()>& cond, Clock::time_point deadline) {
  std::vector<pollfd> fds;
  std::vector<EndpointClient*> polled;
  for (;;) {
    w.obs->take_changes();  // before looking: a change from now on wakes the poll below
    for (auto& [role, prog] : w.programs) prog->take_notice();  // likewise a program's line or exit
    if (cond()) return true;
    if (Clock::now() >= deadline) return false;
    fds.assign(1, pollfd{w.obs->changes_fd(), POLLIN, 0});
    polled.clear();
    for (auto& [role, ep] : w.ep)
      if (ep && ep->events_fd() >= 0) {
        fds.push_back({ep->events_fd(), POLLIN, 0});
        polled.push_back(ep.get());
      }
    for (auto& [role, prog] : w.programs) fds.push_back({prog->notify_fd(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), poll_budget_ms(deadline)) < 0 && errno != EINTR)
      throw_errno("poll the observers, endpoints and programs");
    // Read what the endpoints wrote (or their exit), so their pipes block the next poll.
    for (size_t i = 0; i < polled.size(); ++i)
      if (fds[i + 1].revents) polled[i]->events();
  }
}

void require_world_within(World& w, const std::function<bool()>& cond, Clock::time_point deadline,
                          const std::string& what, const std::function<std::string()>& last_seen) {
  const auto started = Clock::now();
  if (!wait_world_until(w, cond, deadline)) throw WaitTimeout(what, last_seen(), started);
}

}  // namespace crashlab::runner
