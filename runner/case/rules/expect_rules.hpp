#pragma once
#include "runner/case/case_spec.hpp"
#include "runner/json/fields.hpp"

namespace crashlab::runner {

// Expectations no run can meet, refused with the field named:
// - anything seen after the fault by a side whose process the fault kills (its
//   app outcomes, a detection time);
// - a state at the end other than "gone" on a side whose host the fault takes down;
// - any socket of the server's when the client connects only after the fault
//   killed the server: it never has one for this connection.
void check_expect_rules(const Fields& top, const CaseSpec& c);

}  // namespace crashlab::runner
