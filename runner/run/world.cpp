#include "runner/run/world.hpp"

#include <atomic>
#include <random>

#include "netns/tcp_state.hpp"

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

void World::replace_endpoint(Role r, std::unique_ptr<EndpointClient> fresh) {
  retired.push_back(std::move(ep[r]));
  ep[r] = std::move(fresh);
}

}  // namespace crashlab::runner
