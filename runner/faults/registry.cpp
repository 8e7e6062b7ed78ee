#include "runner/faults/registry.hpp"

#include <stdexcept>

namespace crashlab::runner {

namespace {
// A new fault: its file, one row here, its netns mechanism, the docs and a case.
constexpr FaultType kFaultTypes[] = {
    {FaultKind::ProcessCrash, "process-crash", {}, "", "", "", parse_process_crash},
    {FaultKind::ProcessExit, "process-exit", {}, "", "", "", parse_process_exit},
    {FaultKind::HostCrash, "host-crash", {}, "", "", "host down", parse_host_crash},
    {FaultKind::HostReboot, "host-reboot", {"reboot_after_ms", "new_mac", "listener", "gratuitous_arp", "port_forwards_after_ms"}, "rebooted",
     "the host is back", "host down", parse_host_reboot},
    {FaultKind::LinkDrop, "link-drop", {}, "", "", "link down", parse_link_drop},
    // The switch drops the partitioned host's segments: they did leave it.
    {FaultKind::Partition, "partition", {"drop", "direction", "heal_after_ms"}, "healed", "the partition heals", "", parse_partition},
    {FaultKind::Freeze, "freeze", {}, "", "", "", parse_freeze},
    {FaultKind::ConntrackFlush, "conntrack-flush", {"untracked"}, "", "", "", parse_conntrack_flush, true},
    {FaultKind::ConntrackTimeout, "conntrack-timeout", {"untracked", "idle_timeout_s"}, "", "", "", parse_conntrack_timeout,
     true},
};
}  // namespace

int64_t Fault::recover(World&, Role) const { throw std::logic_error("this fault has no recovery step"); }
void Fault::do_later_step(World&, Role, size_t) const { throw std::logic_error("this fault has no later steps"); }

std::optional<int64_t> Fault::peer_there_after_ms() const {
  auto at = recovery_after_ms();
  if (!at) return std::nullopt;
  if (auto i = peer_there_at_later_step()) return *at + later_steps().at(*i).after_recovery_ms;
  return at;
}

std::span<const FaultType> fault_types() { return kFaultTypes; }

const FaultType& fault_type(FaultKind kind) {
  for (const FaultType& t : kFaultTypes)
    if (t.kind == kind) return t;
  throw std::logic_error("fault kind without a registry row");
}

const FaultType* find_fault_type(std::string_view name) {
  for (const FaultType& t : kFaultTypes)
    if (t.name == name) return &t;
  return nullptr;
}

std::string_view fault_name(FaultKind kind) { return fault_type(kind).name; }

std::string fault_target_name(FaultKind kind, Role target) {
  return fault_type(kind).on_the_path ? "router" : role_name(target);
}

std::string fault_text(FaultKind kind, Role target) {
  return std::string(fault_name(kind)) + (fault_type(kind).on_the_path ? " on the " : " of the ") +
         fault_target_name(kind, target);
}

}  // namespace crashlab::runner
