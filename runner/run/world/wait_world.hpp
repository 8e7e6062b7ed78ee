#pragma once
#include <functional>
#include <string>

#include "netns/sys/wait.hpp"

namespace crashlab::runner {

class World;

// Waits until cond() holds (true) or `deadline` passes (false), checking cond again
// only when something it can depend on may have changed: the observers saw something
// new, or an endpoint wrote an event or exited. No periodic wake-up, so a waiting case
// costs nothing; cond must depend only on the world's observers and endpoints.
bool wait_world_until(World& w, const std::function<bool()>& cond, Clock::time_point deadline);

// wait_world_until, throwing WaitTimeout with `what` and last_seen() when it runs out.
void require_world_within(World& w, const std::function<bool()>& cond, Clock::time_point deadline,
                          const std::string& what, const std::function<std::string()>& last_seen);

}  // namespace crashlab::runner
