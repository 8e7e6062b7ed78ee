#pragma once
#include "netns/topology/topology.hpp"

namespace crashlab::runner {

class World;
// Shared by host-crash and host-reboot: the host dies the same way in both.
void crash_host(World& w, Role target);

}  // namespace crashlab::runner
