#pragma once
#include <string>

#include "runner/case/case_spec.hpp"

namespace crashlab::runner {

// Applies "--set ROLE.sysctl.NAME=VALUE" / "--set ROLE.socket.OPTION=VALUE" (ROLE
// may be "all"), validated as the same field in a case file would be.
void apply_override(CaseSpec& spec, const std::string& assignment);

}  // namespace crashlab::runner
