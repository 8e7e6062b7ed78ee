#pragma once
// `crashlab advise`'s explanation for a person.
#include <string>

#include "runner/advise/advice.hpp"

namespace crashlab::runner::advise {

std::string to_text(const Advice& a);
// "idle  notices 9.10 s to 9.35 s (ETIMEDOUT); survives outages up to 2.80 s".
std::string side_line(const char* name, const SideOutcome& o);

}  // namespace crashlab::runner::advise
