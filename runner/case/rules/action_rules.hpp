#pragma once
#include "runner/case/case_spec.hpp"
#include "runner/json/fields.hpp"

namespace crashlab::runner {

// What a parsed case may not ask of its actions, each refusal naming the field:
// - a side acts after its process is gone: the fault's target after a fault that
//   kills it (a rebooted host's new process only listens), or a side after its
//   own `exit`;
// - a time beyond the window: an action's delay (after the fault, counted from the
//   fault, plus the recovery step for `when: <recovery>`), the fault's after_ms, or
//   its recovery step (reboot_after_ms, heal_after_ms).
void check_action_rules(const Fields& top, const CaseSpec& c);

}  // namespace crashlab::runner
