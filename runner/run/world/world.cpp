#include "runner/run/world/world.hpp"

#include <csignal>

#include <atomic>
#include <random>

#include "netns/wire/tcp_state.hpp"

namespace crashlab::runner {

uint16_t allocate_port() {
  static std::atomic<uint32_t> next{20000 + std::random_device{}() % 30000};
  return uint16_t(20000 + (next++ - 20000) % 30000);
}

World::World(const CaseSpec& s) : spec(s), port(allocate_port()), client_port(allocate_port()) {}

std::string World::last_state(Role r) {
  auto s = obs->states(key.at(r));
  return s.empty() ? "" : tcp_state_name(s.back().state);
}

void World::kill_process(Role r) {
  if (app::AppProcess* p = program(r)) {
    if (p->signal_all(SIGKILL) == 0)
      throw std::runtime_error(p->label() + ": nothing to kill, it had already ended" +
                               (p->exit() ? " (" + p->exit()->text() + ")" : std::string()));
    const auto deadline = Clock::now() + default_timeout();
    // A process it forks meanwhile escapes one round of signals: send them until none is left.
    require_within([&] { return p->signal_all(SIGKILL) == 0; }, deadline,
                   p->label() + "'s processes to be gone after SIGKILL",
                   [&] { return std::to_string(p->processes().size()) + " left"; });
  } else {
    endpoint(r).process().signal(SIGKILL);
    endpoint(r).process().wait_exit(default_timeout());
  }
}

void World::stop_process(Role r) {
  if (app::AppProcess* p = program(r))
    p->signal_all(SIGSTOP);
  else
    endpoint(r).process().signal(SIGSTOP);
}

void World::replace_endpoint(Role r, std::unique_ptr<EndpointClient> fresh) {
  retired.push_back(std::move(ep[r]));
  ep[r] = std::move(fresh);
}

void World::watch_host(Role r) {
  const NetNs& ns = topo->host(r).ns();
  obs->watch(ns);
  neighbour_monitors[r] = std::make_unique<NeighbourMonitor>(ns);
}

void World::unwatch_host(Role r) {
  obs->unwatch(topo->host(r).ns());
  if (auto it = neighbour_monitors.find(r); it != neighbour_monitors.end()) {
    it->second->stop();
    auto seen = it->second->events();
    auto& kept = gone_hosts_events_[r];
    kept.insert(kept.end(), seen.begin(), seen.end());
    gone_hosts_lost_[r] = gone_hosts_lost_[r] || it->second->lost_events();
    neighbour_monitors.erase(it);
  }
}

void World::stop_neighbour_monitors() {
  for (auto& [role, monitor] : neighbour_monitors) monitor->stop();
}

std::vector<NeighbourEvent> World::neighbour_events(Role r) const {
  std::vector<NeighbourEvent> out;
  if (auto gone = gone_hosts_events_.find(r); gone != gone_hosts_events_.end()) out = gone->second;
  if (auto it = neighbour_monitors.find(r); it != neighbour_monitors.end()) {
    auto live = it->second->events();
    out.insert(out.end(), live.begin(), live.end());
  }
  return out;
}

bool World::neighbour_events_lost(Role r) const {
  auto gone = gone_hosts_lost_.find(r);
  auto live = neighbour_monitors.find(r);
  return (gone != gone_hosts_lost_.end() && gone->second) ||
         (live != neighbour_monitors.end() && live->second->lost_events());
}

}  // namespace crashlab::runner
