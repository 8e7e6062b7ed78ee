#include "runner/case/rules/expect_rules.hpp"

#include "runner/faults/registry.hpp"

namespace crashlab::runner {

namespace {
std::string field_of(Role r, const char* key) { return "expect." + std::string(role_name(r)) + "." + key; }
}  // namespace

void check_expect_rules(const Fields& top, const CaseSpec& c) {
  const Role target = c.fault.target;
  auto it = c.expect.find(target);
  if (it == c.expect.end() || !c.fault->kills_target()) return;
  const SideExpect& e = it->second;
  const std::string fault(fault_name(c.fault.kind));
  const std::string who = "the " + std::string(role_name(target));
  if (c.connect_after_fault) {
    const std::string why = who + " is killed by the " + fault + " before the client connects: it never has a socket for this connection";
    if (e.states && !e.states->empty()) top.fail(field_of(target, "states"), why);
    if (e.state_at_end && *e.state_at_end != SideExpect::kGone) top.fail(field_of(target, "state_at_end"), why + " (only \"gone\" can hold)");
  }
  if (e.app && !e.app->empty())
    top.fail(field_of(target, "app"), who + "'s process is gone after the " + fault + " fault: it sees nothing (expect [])");
  if (e.detected_after_ms || e.detected_by_model)
    top.fail(field_of(target, "detected_after_ms"), who + "'s process is gone after the " + fault + " fault: it detects nothing");
  if (!fault_type(c.fault.kind).target_cut.empty() && e.state_at_end && *e.state_at_end != SideExpect::kGone)
    top.fail(field_of(target, "state_at_end"),
             who + "'s host goes down in the " + fault + ": its sockets go with it (only \"gone\" can hold)");
}

}  // namespace crashlab::runner
