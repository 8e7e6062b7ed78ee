#include "runner/run/world/capture.hpp"

#include <algorithm>

#include "netns/neighbour/arp_packets.hpp"
#include "netns/wire/wire_segments.hpp"
#include "runner/case/roles.hpp"

namespace crashlab::runner {

void start_capture(World& w, const std::filesystem::path& file, CaptureOutcome& out) {
  const NetNs* ns = w.topo->switch_ns();
  std::string iface = "br0";
  out.sides_seen_whole = {kRoles.begin(), kRoles.end()};
  if (const NetNs* router = w.topo->router_ns()) {
    ns = router;
    iface = Topology::switch_port(Role::Client);
    out.sides_seen_whole = {Role::Client};
  } else if (!ns) {
    ns = &w.topo->host(other(w.spec.fault.target)).ns();
    iface = Host::kIfname;
  }
  try {
    std::filesystem::create_directories(file.parent_path().empty() ? "." : file.parent_path());
    w.capture = std::make_unique<PacketCapture>(*ns, iface, "tcp port " + std::to_string(w.port) + " or arp or icmp or icmp6",
                                                std::filesystem::absolute(file));
    out.file = w.capture->file();
  } catch (const std::exception& e) {
    out.note = std::string("no capture: ") + e.what();
  }
}

void finish_capture(World& w, CaptureOutcome& out) {
  if (!w.capture) return;
  out.removal_if_abandoned = std::make_shared<UndoHandle>(w.capture->take_removal());
  try {
    w.capture->stop();
    if (w.capture->missed()) out.note = std::to_string(w.capture->missed()) + " packets not captured";
  } catch (const std::exception& e) {
    out.note = std::string("capture ended early: ") + e.what();
  }
}

void read_capture(CaptureOutcome& out, Measurement& m) {
  if (!out.file) return;
  try {
    m.arp = read_arp_packets(*out.file);
    const std::vector<WireSegment> segments = read_wire_segments(*out.file);
    for (auto& [role, side] : m.sides) {
      if (std::find(out.sides_seen_whole.begin(), out.sides_seen_whole.end(), role) == out.sides_seen_whole.end())
        continue;  // its own counters tell
      const ConnKey& k = side.key;
      side.segments_on_wire_after_fault = std::count_if(segments.begin(), segments.end(), [&](const WireSegment& s) {
        return s.t_ns >= m.fault_t_ns && s.saddr == k.local_addr && s.sport == k.local_port;
      });
    }
  } catch (const std::exception& e) {
    out.note += std::string(out.note.empty() ? "" : "; ") + "it could not be read: " + e.what();
  }
}

}  // namespace crashlab::runner
