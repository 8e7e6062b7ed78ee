#pragma once
#include "runner/world.hpp"

namespace crashlab {

// Hits the target as the case's fault says and records the moment in w.fault_t.
void inject(World& w);
// The fault's second step, if it has one: the crashed host boots again (with a
// listener on the old port if asked, and a gratuitous ARP if asked), or the
// partition heals. Records the moment in w.recovered_t.
void recover(World& w);

}  // namespace crashlab
