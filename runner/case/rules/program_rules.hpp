#pragma once
#include "runner/case/case_spec.hpp"
#include "runner/json/fields.hpp"

namespace crashlab::runner {

// What a case may not ask of a side played by a program, each refusal naming the
// field: actions (crashlab cannot tell it to send), socket options or reads (it
// sets its own, and crashlab reads them), a fault that needs the endpoint
// (process-exit, a rebooted host's listener), or a connect after the fault.
void check_program_rules(const Fields& top, const CaseSpec& c);

}  // namespace crashlab::runner
