#pragma once
#include <filesystem>

#include "runner/run/measure.hpp"
#include "runner/run/world.hpp"

namespace crashlab::runner {

// Always captured where it can be, so a failed case keeps its packets. Switch: on
// the bridge, which sees both directions and outlives a crashed host. Direct: on
// the survivor's eth0.
void start_capture(World& w, const std::filesystem::path& file, CaptureOutcome& out);
// Stops tcpdump; what it missed, or why it ended early, goes into out.note.
void finish_capture(World& w, CaptureOutcome& out);
// The ARP frames of the finished capture into the measurement; why not, into out.note.
void read_capture_arp(CaptureOutcome& out, Measurement& m);

}  // namespace crashlab::runner
