#pragma once
#include <string_view>

namespace crashlab::runner {

enum class FuzzVerdict { Accepted, Refused };

// One hostile input through what the runner does with it before anything runs:
// "--set ASSIGNMENT" (first line) is applied to a valid case; anything else is
// parsed and validated as a case file. Bad input is Refused (an InputError);
// every other exception escapes, for the fuzzer to report as a crash.
FuzzVerdict fuzz_case_input(std::string_view input);

}  // namespace crashlab::runner
