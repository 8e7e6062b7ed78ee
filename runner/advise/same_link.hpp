#pragma once
// The dead peer on the same link: the survivor's neighbour (ARP) entry for it. The
// busy crash as `--verify` runs it (host-crash/send) has the entry REACHABLE at the
// crash (a case's default, `neighbour_at_fault`, and what a busy connection's ACKs
// keep it) and the neighbour sysctls at the kernel's defaults. When that entry can
// fail is runner/predict/neighbour_horizon.cpp's rule; what a chain does past it,
// runner/predict/past_horizon.cpp's.
#include "model/tcp_model.hpp"
#include "runner/advise/evaluate.hpp"
#include "runner/predict/neighbour_horizon.hpp"

namespace crashlab::runner::advise {

// Widens the busy detection `d` of settings `s` (the model's chain `alone` for the
// data in flight `f`) to cover every moment the entry can fail, and says how in its
// reason and `d.neighbour`; leaves it as it is when the chain ends before.
void cover_same_link(Detection& d, const Settings& s, int hz, const model::FlightParams& f, const model::Prediction& alone);

// That entry's horizon: the earliest moment after the crash it can be FAILED.
NeighbourHorizon assumed_neighbour_horizon(int hz);

}  // namespace crashlab::runner::advise
