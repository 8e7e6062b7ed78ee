#pragma once
#include <filesystem>

#include "runner/run/measure.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

// Always captured where it can be, so a failed case keeps its packets. Switch: on
// the bridge, which sees both directions and outlives a crashed host. Direct: on
// the survivor's eth0. Router: on the router's port to the client (what the client
// sent, and what reached it).
void start_capture(World& w, const std::filesystem::path& file, CaptureOutcome& out);
// Stops the capture; what it missed, or why it ended early, goes into out.note.
void finish_capture(World& w, CaptureOutcome& out);
// The finished capture into the measurement: its ARP/NDP frames, and the TCP segments
// each side's socket sent after the fault; why not, into out.note.
void read_capture(CaptureOutcome& out, Measurement& m);

}  // namespace crashlab::runner
