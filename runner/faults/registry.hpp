#pragma once
#include <array>
#include <map>
#include <memory>
#include <span>
#include <string_view>

#include "runner/json/fields.hpp"
#include "runner/faults/fault.hpp"

namespace crashlab::runner {

// What a fault's parser may check its fields against.
struct CaseShape {
  TopologyKind topology = TopologyKind::Switch;
  bool ipv6 = false;
  const std::map<std::string, std::string>* router_sysctls = nullptr;  // the case's sysctls.router
};

// One row per fault kind: the only place a fault's name is compared.
struct FaultType {
  FaultKind kind;
  std::string_view name;              // as in case files: "host-reboot"
  std::array<std::string_view, 5> keys;  // its own fields in the case's "fault" object
  std::string_view recovery_trigger;  // the action trigger its recovery step answers to, or ""
  std::string_view recovery_text;     // how the timeline names that step
  // Why nothing the target sends leaves its host from the injection until the
  // recovery step ("host down": its link is cut first), or "" when it still can.
  std::string_view target_cut;
  // Reads and validates the kind's own fields (Fields::done() is the caller's).
  std::unique_ptr<Fault> (*parse)(Fields& fault, const CaseShape& shape);
  // It acts on the path between the hosts, not on one of them: "target" is not asked for.
  bool on_the_path = false;
};

std::span<const FaultType> fault_types();
const FaultType& fault_type(FaultKind kind);
const FaultType* find_fault_type(std::string_view name);
std::string_view fault_name(FaultKind kind);
// "host-crash of the client", "conntrack-flush on the router".
std::string fault_text(FaultKind kind, Role target);
// "client", or "router" for a fault on the path.
std::string fault_target_name(FaultKind kind, Role target);

// The parsers, one per file under runner/faults/.
std::unique_ptr<Fault> parse_process_crash(Fields&, const CaseShape&);
std::unique_ptr<Fault> parse_process_exit(Fields&, const CaseShape&);
std::unique_ptr<Fault> parse_host_crash(Fields&, const CaseShape&);
std::unique_ptr<Fault> parse_host_reboot(Fields&, const CaseShape&);
std::unique_ptr<Fault> parse_link_drop(Fields&, const CaseShape&);
std::unique_ptr<Fault> parse_partition(Fields&, const CaseShape&);
std::unique_ptr<Fault> parse_freeze(Fields&, const CaseShape&);
std::unique_ptr<Fault> parse_conntrack_flush(Fields&, const CaseShape&);
std::unique_ptr<Fault> parse_conntrack_timeout(Fields&, const CaseShape&);

}  // namespace crashlab::runner
