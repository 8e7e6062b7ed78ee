#pragma once
#include "runner/run/measurement.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

// Just before the fault: puts each live side's neighbour entry for its peer into
// the state the case asks for (CaseSpec::neighbour_at_fault), through the
// kernel's own neigh_update() as `ip neigh replace` does, and reads it back. What
// the kernel holds goes into the measurement; a read-back that is not what was
// asked is an error naming both.
void set_neighbours_for_fault(World& w, Measurement& m);

// After the run: each side's neighbour events for its peer's address.
void collect_neighbour_events(World& w, Measurement& m);

}  // namespace crashlab::runner
