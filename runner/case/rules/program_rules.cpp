#include "runner/case/rules/program_rules.hpp"

#include "runner/case/roles.hpp"

namespace crashlab::runner {

namespace {
void check_actions(const Fields& top, const CaseSpec& c, const char* key, const std::vector<Action>& actions) {
  for (size_t i = 0; i < actions.size(); ++i)
    if (c.program(actions[i].role))
      top.fail(std::string(key) + "[" + std::to_string(i) + "].role",
               std::string("the ") + role_name(actions[i].role) +
                   " is a program: crashlab cannot tell it what to do; its command does it");
}
}  // namespace

void check_program_rules(const Fields& top, const CaseSpec& c) {
  if (c.programs.empty()) return;
  for (Role r : kRoles) {
    if (!c.program(r)) continue;
    const std::string side = role_name(r);
    if (c.sockets.count(r))
      top.fail("sockets." + side, "the " + side + " is a program: it sets its own socket options (crashlab reads them)");
    if (c.reads.count(r)) top.fail("reads." + side, "the " + side + " is a program: it reads as it does");
  }
  check_actions(top, c, "before_fault", c.before_fault);
  check_actions(top, c, "after_fault", c.after_fault);
  if (c.connect_after_fault && c.program(Role::Client))
    top.fail("connect", "after_fault is for the built-in client: a program connects when it starts");
  const Role target = c.fault.target;
  if (c.program(target) && c.fault.kind == FaultKind::ProcessExit)
    top.fail("fault.type", "process-exit makes the endpoint call _exit(); a program's process dies by process-crash");
  if (c.program(target) && c.fault->params().value("listener", false))
    top.fail("fault.listener", "a rebooted host's listener is the built-in endpoint; the " + std::string(role_name(target)) +
                                   " is a program");
}

}  // namespace crashlab::runner
