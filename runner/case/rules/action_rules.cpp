#include "runner/case/rules/action_rules.hpp"

#include <map>

#include "runner/faults/registry.hpp"

namespace crashlab::runner {

namespace {
std::string at(const std::string& list, size_t i) { return list + "[" + std::to_string(i) + "]"; }

void check_within_window(const Fields& top, const std::string& field, int64_t ms, const CaseSpec& c,
                         const std::string& what) {
  if (ms > c.window_ms)
    top.fail(field, what + std::to_string(ms) + " ms is beyond the case's window (window_ms " +
                        std::to_string(c.window_ms) + "): nothing after the window is observed");
}

// The fault's own field that holds its recovery delay ("reboot_after_ms", "heal_after_ms").
std::string recovery_field(FaultKind kind) {
  for (std::string_view k : fault_type(kind).keys)
    if (k.size() > 9 && k.substr(k.size() - 9) == "_after_ms") return "fault." + std::string(k);
  return "fault";
}

std::string gone_after_fault(const CaseSpec& c, const Action& a) {
  const std::string who = std::string(role_name(c.fault.target));
  const std::string fault(fault_name(c.fault.kind));
  if (a.when == Trigger::Recovered)
    return "the " + who + "'s process died in the " + fault +
           "; a rebooted host's new process only listens (listener) and has no connection to act on";
  return "the " + who + "'s process is gone after the " + fault + " fault; it cannot act";
}

// What ends a side's actions, in the order actions run (the lists run in order):
// its own exit, or a send that blocks until it completes or fails.
class Exits {
 public:
  void check(const Fields& top, const std::string& field, const Action& a) const {
    if (auto it = ended_.find(a.role); it != ended_.end()) top.fail(field, "the " + std::string(role_name(a.role)) + it->second);
  }
  void note(const std::string& field, const Action& a) {
    if (a.op == Op::Exit) ended_.emplace(a.role, " exited in " + field + "; a side cannot act after its own exit");
    if (a.op == Op::Send && a.blocks)
      ended_.emplace(a.role, " blocks in send() from " + field +
                                 " until it completes or fails; a blocked writer does nothing else");
  }

 private:
  std::map<Role, std::string> ended_;
};
}  // namespace

void check_action_rules(const Fields& top, const CaseSpec& c) {
  check_within_window(top, "fault.after_ms", c.fault.after_ms, c, "");
  const auto recovery = c.fault->recovery_after_ms();
  if (recovery) check_within_window(top, recovery_field(c.fault.kind), *recovery, c, "");
  for (const Fault::LaterStep& s : c.fault->later_steps())
    check_within_window(top, s.field, recovery.value_or(0) + s.after_recovery_ms, c,
                        "with the recovery, its step '" + s.what + "' at ");

  Exits exits;
  for (size_t i = 0; i < c.before_fault.size(); ++i) {
    const Action& a = c.before_fault[i];
    check_within_window(top, at("before_fault", i) + ".delay_ms", a.delay_ms, c, "");
    exits.check(top, at("before_fault", i) + ".role", a);
    exits.note(at("before_fault", i), a);
  }
  for (size_t i = 0; i < c.after_fault.size(); ++i) {
    const Action& a = c.after_fault[i];
    const std::string field = at("after_fault", i);
    const int64_t from_fault = a.delay_ms + (a.when == Trigger::Recovered ? recovery.value_or(0) : 0);
    check_within_window(top, field + ".delay_ms", from_fault, c,
                        a.when == Trigger::Recovered ? "with the recovery step, " : "");
    if (a.role == c.fault.target && c.fault->kills_target()) top.fail(field + ".role", gone_after_fault(c, a));
    exits.check(top, field + ".role", a);
    exits.note(field, a);
  }
}

}  // namespace crashlab::runner
